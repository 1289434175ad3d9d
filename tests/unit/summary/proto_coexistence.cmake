# SPDX-License-Identifier: Apache-2.0
# proto_coexistence_test: our message classes (package tfcompat.tensorflow)
# linked beside a second set in package tensorflow at TensorFlow's own paths,
# as in a program that links TensorFlow's C++ library too. The second set is
# generated from our .proto files by rewrite_protos.cmake, so it has
# TensorFlow's full names and file names and our fields.
set(_tf_proto_paths
  tfcompat/tensorflow/types.proto=tensorflow/core/framework/types.proto
  tfcompat/tensorflow/tensor_shape.proto=tensorflow/core/framework/tensor_shape.proto
  tfcompat/tensorflow/resource_handle.proto=tensorflow/core/framework/resource_handle.proto
  tfcompat/tensorflow/tensor.proto=tensorflow/core/framework/tensor.proto
  tfcompat/tensorflow/tensor_slice.proto=tensorflow/core/framework/tensor_slice.proto
  tfcompat/tensorflow/versions.proto=tensorflow/core/framework/versions.proto
  tfcompat/tensorflow/summary.proto=tensorflow/core/framework/summary.proto
  tfcompat/tensorflow/event.proto=tensorflow/core/util/event.proto
  tfcompat/tensorflow/tensor_bundle.proto=tensorflow/core/protobuf/tensor_bundle.proto
  tfcompat/tensorflow/checkpoint_state.proto=tensorflow/python/training/checkpoint_state.proto
  tfcompat/tensorflow/attr_value.proto=tensorflow/core/framework/attr_value.proto
  tfcompat/tensorflow/node_def.proto=tensorflow/core/framework/node_def.proto
  tfcompat/tensorflow/op_def.proto=tensorflow/core/framework/op_def.proto
  tfcompat/tensorflow/function.proto=tensorflow/core/framework/function.proto
  tfcompat/tensorflow/graph.proto=tensorflow/core/framework/graph.proto)

set(_tf_proto_dir ${CMAKE_CURRENT_BINARY_DIR}/tensorflow_protos)
set(_ours)
set(_theirs)
set(_generated)
foreach(pair IN LISTS _tf_proto_paths)
  string(REPLACE "=" ";" pair "${pair}")
  list(GET pair 0 ours)
  list(GET pair 1 theirs)
  string(REGEX REPLACE "\\.proto$" "" stem "${theirs}")
  list(APPEND _ours ${PROJECT_SOURCE_DIR}/proto/${ours})
  list(APPEND _theirs ${_tf_proto_dir}/${theirs})
  list(APPEND _generated ${_tf_proto_dir}/${stem}.pb.h ${_tf_proto_dir}/${stem}.pb.cc)
endforeach()
string(REPLACE ";" "," _tf_proto_path_arg "${_tf_proto_paths}")

add_custom_command(
  OUTPUT ${_theirs}
  COMMAND ${CMAKE_COMMAND} -DPROTO_DIR=${PROJECT_SOURCE_DIR}/proto -DOUTPUT_DIR=${_tf_proto_dir}
          -DPATHS=${_tf_proto_path_arg} -P ${CMAKE_CURRENT_LIST_DIR}/rewrite_protos.cmake
  DEPENDS ${_ours} ${CMAKE_CURRENT_LIST_DIR}/rewrite_protos.cmake
  COMMENT "Rewriting our .proto files into package tensorflow at TensorFlow's paths"
  VERBATIM)
add_custom_command(
  OUTPUT ${_generated}
  COMMAND protobuf::protoc --cpp_out=${_tf_proto_dir} -I ${_tf_proto_dir} ${_theirs}
  DEPENDS ${_theirs} protobuf::protoc
  COMMENT "Running the C++ protocol buffer compiler on the package-tensorflow copies"
  VERBATIM)

add_library(tensorflow_package_protos STATIC ${_generated})
target_include_directories(tensorflow_package_protos PUBLIC ${_tf_proto_dir})
target_link_libraries(tensorflow_package_protos PUBLIC protobuf::libprotobuf)

tfcompat_add_unit_test(proto_coexistence_test SOURCES unit/summary/proto_coexistence_test.cc LABELS summary)
target_link_libraries(proto_coexistence_test PRIVATE tensorflow_package_protos)
