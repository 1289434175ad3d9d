# SPDX-License-Identifier: Apache-2.0
# Script mode: writes copies of our .proto files in TensorFlow's package and
# at TensorFlow's paths, so that proto_coexistence_test can link a second set
# of messages as TensorFlow's C++ library defines them.
#
#   cmake -DPROTO_DIR=<repo>/proto -DOUTPUT_DIR=<dir>
#         "-DPATHS=ours=theirs,..." -P rewrite_protos.cmake
#
# PATHS pairs each of our paths (relative to PROTO_DIR) with TensorFlow's;
# every import of one of ours becomes an import of TensorFlow's.
foreach(var PROTO_DIR OUTPUT_DIR PATHS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "rewrite_protos.cmake: ${var} is not set")
  endif()
endforeach()

string(REPLACE "," ";" pairs "${PATHS}")
foreach(pair IN LISTS pairs)
  string(REPLACE "=" ";" pair "${pair}")
  list(GET pair 0 ours)
  list(GET pair 1 theirs)
  file(READ "${PROTO_DIR}/${ours}" text)
  string(REGEX REPLACE "\npackage tfcompat\\." "\npackage " text "${text}")
  foreach(import_pair IN LISTS pairs)
    string(REPLACE "=" ";" import_pair "${import_pair}")
    list(GET import_pair 0 import_ours)
    list(GET import_pair 1 import_theirs)
    string(REPLACE "import \"${import_ours}\";" "import \"${import_theirs}\";" text "${text}")
  endforeach()
  if(text MATCHES "\n(package|import)[^\n]*tfcompat")
    message(FATAL_ERROR "rewrite_protos.cmake: ${ours} still names tfcompat: ${CMAKE_MATCH_0}")
  endif()
  file(WRITE "${OUTPUT_DIR}/${theirs}" "${text}")
endforeach()
