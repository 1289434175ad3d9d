// SPDX-License-Identifier: Apache-2.0
// The variables a tf.saved_model.save export's signature captures, bound at
// Load through the object graph when no restore op assigns them (Keras 3's
// exports): a run reads the checkpoint tensor the TrackableObjectGraph names
// for the SavedConcreteFunction's bound input; hostile object graphs and
// checkpoints fail naming the call, the function and the object node.
#include <boost/test/unit_test.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tfcompat/checkpoint/bundle.h"
#include "tfcompat/saved_model/saved_model.h"
#include "tfcompat/saved_model/saved_model_reader.h"
#include "tfcompat/tensorflow/trackable_object_graph.pb.h"
#include "util/temp_dir.h"
#include "util/test_print.h"
#include "util/text.h"

namespace tfcompat {
namespace {

using testing::Contains;
using testing::TempDir;
using testing::WriteAll;

constexpr char kKey[] = "layer/kernel/.ATTRIBUTES/VARIABLE_VALUE";

// What a test changes of the export written by Write().
struct Export {
  // Of the SavedConcreteFunction of "signature_wrapper".
  std::string bound_inputs = "bound_inputs: 1";
  // Object node 1 of the SavedObjectGraph (node 0 is the root).
  std::string saved_object = R"pb(variable {
                                    dtype: DT_FLOAT
                                    shape { dim { size: 2 } }
                                    name: "dense/kernel"
                                  })pb";
  // The checkpoint's "_CHECKPOINTABLE_OBJECT_GRAPH" (unset: none).
  std::optional<std::string> checkpoint_objects;
  Tensor kernel = Tensor::FromVector<float>(DataType::kFloat, {2}, {3.0f, -0.5f});
};

// The checkpoint's object graph of two nodes, node 1's VARIABLE_VALUE at
// `key`.
std::string TrackableObjects(const std::string& key) {
  tensorflow::TrackableObjectGraph objects;
  objects.add_nodes();
  auto* value = objects.add_nodes()->add_attributes();
  value->set_name("VARIABLE_VALUE");
  value->set_full_name("dense/kernel");
  value->set_checkpoint_key(key);
  return objects.SerializeAsString();
}

// y = x * kernel, the signature's call capturing the VarHandleOp "kernel"
// (as Keras 3 writes it: no restore op assigns it; here there is none).
void Write(const TempDir& dir, const Export& on) {
  WriteAll(dir.file("saved_model.pbtxt"), R"pb(
                                                saved_model_schema_version: 1
                                                meta_graphs { meta_info_def { tags: "serve" }
                                                              graph_def {
                                                                node {
                                                                  name: "x"
                                                                  op: "Placeholder"
                                                                  attr {
                                                                    key: "dtype"
                                                                    value { type: DT_FLOAT }
                                                                  }
                                                                }
                                                                node {
                                                                  name: "kernel"
                                                                  op: "VarHandleOp"
                                                                  attr {
                                                                    key: "dtype"
                                                                    value { type: DT_FLOAT }
                                                                  }
                                                                  attr {
                                                                    key: "shape"
                                                                    value { shape { dim { size: 2 } } }
                                                                  }
                                                                  attr {
                                                                    key: "shared_name"
                                                                    value { s: "kernel" }
                                                                  }
                                                                }
                                                                node {
                                                                  name: "call"
                                                                  op: "StatefulPartitionedCall"
                                                                  input: [ "x", "kernel" ]
                                                                  attr {
                                                                    key: "f"
                                                                    value { func { name: "signature_wrapper" } }
                                                                  }
                                                                  attr {
                                                                    key: "Tin"
                                                                    value { list { type: [ DT_FLOAT, DT_RESOURCE ] } }
                                                                  }
                                                                  attr {
                                                                    key: "Tout"
                                                                    value { list { type: DT_FLOAT } }
                                                                  }
                                                                }
                                                                library {
                                                                  function {
                                                                    signature {
                                                                      name: "signature_wrapper"
                                                                      input_arg { name: "inputs" type: DT_FLOAT }
                                                                      input_arg { name: "resource" type: DT_RESOURCE }
                                                                      output_arg { name: "y" type: DT_FLOAT }
                                                                    }
                                                                    node_def {
                                                                      name: "read"
                                                                      op: "ReadVariableOp"
                                                                      input: "resource"
                                                                      attr {
                                                                        key: "dtype"
                                                                        value { type: DT_FLOAT }
                                                                      }
                                                                    }
                                                                    node_def {
                                                                      name: "mul"
                                                                      op: "Mul"
                                                                      input: [ "inputs", "read:value:0" ]
                                                                      attr {
                                                                        key: "T"
                                                                        value { type: DT_FLOAT }
                                                                      }
                                                                    }
                                                                    ret { key: "y" value: "mul:z:0" }
                                                                  }
                                                                }
                                                              }
                                                              signature_def {
                                                                key: "serving_default"
                                                                value {
                                                                  inputs {
                                                                    key: "x"
                                                                    value {
                                                                      name: "x:0"
                                                                      dtype: DT_FLOAT
                                                                      tensor_shape { dim { size: 2 } }
                                                                    }
                                                                  }
                                                                  outputs {
                                                                    key: "y"
                                                                    value { name: "call:0" dtype: DT_FLOAT }
                                                                  }
                                                                }
                                                              }
                                                              object_graph_def { nodes {}
                                                                                 nodes {)pb" +
                                              on.saved_object + R"pb(}
                                                                     concrete_functions {
          key: "signature_wrapper"
          value { )pb" + on.bound_inputs + R"pb(}
                                                 }
      }
    })pb");
  auto writer = BundleWriter::Create(SavedModelVariablesPrefix(dir.path()));
  BOOST_TEST_REQUIRE(writer.ok(), writer.status());
  if (on.checkpoint_objects.has_value()) {
    const auto objects = Tensor::FromStrings({}, {*on.checkpoint_objects});
    BOOST_TEST_REQUIRE(objects.ok(), objects.status());
    BOOST_TEST_REQUIRE((*writer)->Add("_CHECKPOINTABLE_OBJECT_GRAPH", *objects).ok());
  }
  BOOST_TEST_REQUIRE((*writer)->Add(kKey, on.kernel).ok());
  const Status finished = (*writer)->Finish();
  BOOST_TEST_REQUIRE(finished.ok(), finished);
}

Status LoadStatus(const Export& on) {
  TempDir dir;
  Write(dir, on);
  return SavedModel::Load(dir.path(), {"serve"}).status();
}

// The context every binding error carries.
constexpr char kCall[] = "node 'call' (StatefulPartitionedCall) calling function 'signature_wrapper'";

BOOST_AUTO_TEST_CASE(a_captured_variable_no_restore_op_assigns_takes_the_checkpoint_value_its_object_names) {
  TempDir dir;
  Write(dir, {.checkpoint_objects = TrackableObjects(kKey)});
  const StatusOr<std::unique_ptr<SavedModel>> model = SavedModel::Load(dir.path(), {"serve"});
  BOOST_TEST_REQUIRE(model.ok(), model.status());
  std::map<std::string, Tensor> inputs;
  inputs["x"] = Tensor::FromVector<float>(DataType::kFloat, {2}, {2.0f, 4.0f});
  const StatusOr<std::map<std::string, Tensor>> outputs = (*model)->Run("serving_default", inputs);
  BOOST_TEST_REQUIRE(outputs.ok(), outputs.status());
  const std::vector<float> y(outputs->at("y").flat<float>().begin(), outputs->at("y").flat<float>().end());
  BOOST_TEST(y == (std::vector<float>{6.0f, -2.0f}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_bound_input_past_the_object_graph_is_invalid_argument_naming_the_node) {
  const Status status = LoadStatus({.bound_inputs = "bound_inputs: 7", .checkpoint_objects = TrackableObjects(kKey)});
  BOOST_TEST(status.code() == StatusCode::kInvalidArgument, status);
  BOOST_TEST(Contains(status, kCall), status);
  BOOST_TEST(Contains(status,
                      "object graph node 7 bound to variable 'kernel' is out of range: the SavedModel's "
                      "object graph has 2 nodes"),
             status);
}

BOOST_AUTO_TEST_CASE(a_variable_bound_to_an_object_that_is_no_saved_variable_is_invalid_argument) {
  const Status status = LoadStatus({.bound_inputs = "bound_inputs: 0", .checkpoint_objects = TrackableObjects(kKey)});
  BOOST_TEST(status.code() == StatusCode::kInvalidArgument, status);
  BOOST_TEST(Contains(status, kCall), status);
  BOOST_TEST(Contains(status, "object graph node 0 bound to variable 'kernel' is not a SavedVariable"), status);
}

BOOST_AUTO_TEST_CASE(more_bound_inputs_than_the_call_has_inputs_is_invalid_argument) {
  const Status status =
      LoadStatus({.bound_inputs = "bound_inputs: [ 1, 1, 1 ]", .checkpoint_objects = TrackableObjects(kKey)});
  BOOST_TEST(status.code() == StatusCode::kInvalidArgument, status);
  BOOST_TEST(Contains(status, kCall), status);
  BOOST_TEST(Contains(status, "2 inputs, fewer than the function's 3 bound_inputs"), status);
}

BOOST_AUTO_TEST_CASE(a_saved_variable_of_another_dtype_than_its_handle_is_invalid_argument) {
  const Status status = LoadStatus({.saved_object = R"pb(variable { dtype: DT_DOUBLE name: "dense/kernel" })pb",
                                    .checkpoint_objects = TrackableObjects(kKey)});
  BOOST_TEST(status.code() == StatusCode::kInvalidArgument, status);
  BOOST_TEST(Contains(status,
                      "object graph node 1 ('dense/kernel') is double, the variable 'kernel' it is bound "
                      "to is float"),
             status);
}

BOOST_AUTO_TEST_CASE(a_checkpoint_tensor_of_another_shape_than_the_saved_variable_is_invalid_argument) {
  const Status status = LoadStatus({.checkpoint_objects = TrackableObjects(kKey),
                                    .kernel = Tensor::FromVector<float>(DataType::kFloat, {3}, {1.0f, 2.0f, 3.0f})});
  BOOST_TEST(status.code() == StatusCode::kInvalidArgument, status);
  BOOST_TEST(Contains(status, kCall), status);
  BOOST_TEST(
      Contains(status, std::string("is a SavedVariable of float[2], the checkpoint's '") + kKey + "' is float[3]"),
      status);
}

BOOST_AUTO_TEST_CASE(a_checkpoint_key_not_in_the_checkpoint_is_not_found_naming_the_object) {
  const Status status = LoadStatus({.checkpoint_objects = TrackableObjects("layer/missing")});
  BOOST_TEST(status.code() == StatusCode::kNotFound, status);
  BOOST_TEST(Contains(status, kCall), status);
  BOOST_TEST(Contains(status, "object graph node 1 ('dense/kernel')"), status);
  BOOST_TEST(Contains(status, "Key layer/missing not found in checkpoint"), status);
}

BOOST_AUTO_TEST_CASE(an_object_without_a_variable_value_is_not_found) {
  tensorflow::TrackableObjectGraph objects;
  objects.add_nodes();
  objects.add_nodes();
  const Status status = LoadStatus({.checkpoint_objects = objects.SerializeAsString()});
  BOOST_TEST(status.code() == StatusCode::kNotFound, status);
  BOOST_TEST(Contains(status,
                      "object graph node 1 ('dense/kernel') has no VARIABLE_VALUE in the checkpoint's object "
                      "graph"),
             status);
}

BOOST_AUTO_TEST_CASE(a_checkpoint_object_graph_with_fewer_nodes_is_invalid_argument) {
  tensorflow::TrackableObjectGraph objects;
  objects.add_nodes();
  const Status status = LoadStatus({.checkpoint_objects = objects.SerializeAsString()});
  BOOST_TEST(status.code() == StatusCode::kInvalidArgument, status);
  BOOST_TEST(Contains(status, "the checkpoint's object graph has 1 nodes"), status);
}

BOOST_AUTO_TEST_CASE(a_malformed_checkpoint_object_graph_is_data_loss) {
  const Status status = LoadStatus({.checkpoint_objects = std::string("\x0a\xff\xff\xff\x0f", 5)});
  BOOST_TEST(status.code() == StatusCode::kDataLoss, status);
  BOOST_TEST(Contains(status, kCall), status);
  BOOST_TEST(Contains(status, "tensor '_CHECKPOINTABLE_OBJECT_GRAPH' is not one serialized TrackableObjectGraph"),
             status);
}

BOOST_AUTO_TEST_CASE(a_checkpoint_without_an_object_graph_is_not_found) {
  const Status status = LoadStatus({});
  BOOST_TEST(status.code() == StatusCode::kNotFound, status);
  BOOST_TEST(Contains(status, kCall), status);
  BOOST_TEST(Contains(status, "_CHECKPOINTABLE_OBJECT_GRAPH"), status);
}

}  // namespace
}  // namespace tfcompat
