// SPDX-License-Identifier: Apache-2.0
// The inlining of a TF2 SavedModel's function calls (StatefulPartitionedCall,
// PartitionedCall) at Load: a run through nested calls gives the
// functions' values, and hostile libraries fail
// with errors naming the call and the function: self-recursion, a cycle of
// functions, nesting past kMaxCallDepth, a library doubling past
// kMaxInlinedNodes, a call whose arity is not its function's; an output
// argument placed by its op's argument list.
#include <boost/test/unit_test.hpp>
#include <map>
#include <string>
#include <vector>

#include "io/text_proto.h"
#include "saved_model/functions.h"
#include "tfcompat/saved_model/saved_model.h"
#include "tfcompat/tensorflow/graph.pb.h"
#include "util/temp_dir.h"
#include "util/test_print.h"
#include "util/text.h"

namespace tfcompat {
namespace {

using saved_model::InlineFunctions;
using testing::Contains;
using testing::TempDir;
using testing::WriteAll;

// A function "name" of one float argument "a" returning "y" = `ret`, with
// `nodes` as its body.
std::string Function(const std::string& name, const std::string& nodes, const std::string& ret) {
  return "function { signature { name: \"" + name +
         "\" input_arg { name: \"a\" type: DT_FLOAT } output_arg { name: \"y\" type: DT_FLOAT } } " + nodes +
         " ret { key: \"y\" value: \"" + ret + "\" } }";
}

// A body node calling `callee` on the argument.
std::string CallNode(const std::string& name, const std::string& callee) {
  return "node_def { name: \"" + name + "\" op: \"StatefulPartitionedCall\" input: \"a\" attr { key: \"f\" value { " +
         "func { name: \"" + callee + "\" } } } attr { key: \"Tout\" value { list { type: DT_FLOAT } } } }";
}

// A graph of the float placeholder "x" and the call "y" of `callee` on it,
// with `functions` as its library.
std::string Graph(const std::string& callee, const std::string& functions) {
  return "node { name: \"x\" op: \"Placeholder\" attr { key: \"dtype\" value { type: DT_FLOAT } } } "
         "node { name: \"y\" op: \"StatefulPartitionedCall\" input: \"x\" attr { key: \"f\" value { func { name: \"" +
         callee + "\" } } } attr { key: \"Tout\" value { list { type: DT_FLOAT } } } } library { " + functions + " }";
}

tensorflow::GraphDef ParseGraph(const std::string& text) {
  tensorflow::GraphDef graph;
  const Status parsed = ParseTextProto(text, &graph);
  BOOST_TEST_REQUIRE(parsed.ok(), parsed.ToString());
  return graph;
}

std::string Replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  BOOST_TEST_REQUIRE(at != std::string::npos, "no '" << from << "' in the graph");
  text.replace(at, from.size(), to);
  return text;
}

// "f<i>", built without operator+ on a temporary, which draws GCC 12's
// false -Wrestrict.
std::string FunctionName(int i) {
  std::string name = "f";
  name.append(std::to_string(i));
  return name;
}

Status InlineStatus(const std::string& text) { return InlineFunctions(ParseGraph(text)).status(); }

BOOST_AUTO_TEST_CASE(a_graph_without_calls_is_used_as_it_is) {
  const auto inlined = InlineFunctions(ParseGraph(R"pb(node { name: "x" op: "NoOp" })pb"));
  BOOST_TEST_REQUIRE(inlined.ok(), inlined.status());
  BOOST_TEST(!inlined->has_value());
}

BOOST_AUTO_TEST_CASE(a_run_through_nested_calls_gives_the_functions_values_and_passed_through_arguments) {
  // (y, w) = outer(x, w) = (relu(inner(x, w)), w); inner(a, h) = a * h.
  TempDir dir;
  WriteAll(dir.file("saved_model.pbtxt"), R"pb(
    saved_model_schema_version: 1
    meta_graphs {
      meta_info_def { tags: "serve" }
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
          name: "w"
          op: "Const"
          attr {
            key: "dtype"
            value { type: DT_FLOAT }
          }
          attr {
            key: "value"
            value {
              tensor {
                dtype: DT_FLOAT
                tensor_shape {}
                float_val: -2
              }
            }
          }
        }
        node {
          name: "call"
          op: "StatefulPartitionedCall"
          input: [ "x", "w" ]
          attr {
            key: "f"
            value { func { name: "outer" } }
          }
          attr {
            key: "Tin"
            value { list { type: [ DT_FLOAT, DT_FLOAT ] } }
          }
          attr {
            key: "Tout"
            value { list { type: [ DT_FLOAT, DT_FLOAT ] } }
          }
        }
        library {
          function {
            signature {
              name: "outer"
              input_arg { name: "a" type: DT_FLOAT }
              input_arg { name: "b" type: DT_FLOAT }
              output_arg { name: "y" type: DT_FLOAT }
              output_arg { name: "passed" type: DT_FLOAT }
            }
            node_def {
              name: "inner_call"
              op: "PartitionedCall"
              input: [ "a", "b" ]
              attr {
                key: "f"
                value { func { name: "inner" } }
              }
            }
            node_def {
              name: "relu"
              op: "Relu"
              input: "inner_call:output:0"
              attr {
                key: "T"
                value { type: DT_FLOAT }
              }
            }
            ret { key: "y" value: "relu:activations:0" }
            ret { key: "passed" value: "b" }
          }
          function {
            signature {
              name: "inner"
              input_arg { name: "a" type: DT_FLOAT }
              input_arg { name: "h" type: DT_FLOAT }
              output_arg { name: "z" type: DT_FLOAT }
            }
            node_def {
              name: "mul"
              op: "Mul"
              input: [ "a", "h" ]
              attr {
                key: "T"
                value { type: DT_FLOAT }
              }
            }
            ret { key: "z" value: "mul:z:0" }
          }
        }
      }
      signature_def {
        key: "predict"
        value {
          inputs {
            key: "x"
            value {
              name: "x:0"
              dtype: DT_FLOAT
              tensor_shape { dim { size: -1 } }
            }
          }
          outputs {
            key: "y"
            value { name: "call:0" dtype: DT_FLOAT }
          }
          outputs {
            key: "w"
            value { name: "call:1" dtype: DT_FLOAT }
          }
        }
      }
    })pb");
  const StatusOr<std::unique_ptr<SavedModel>> model = SavedModel::Load(dir.path(), {"serve"});
  BOOST_TEST_REQUIRE(model.ok(), model.status());
  std::map<std::string, Tensor> inputs;
  inputs["x"] = Tensor::FromVector<float>(DataType::kFloat, {3}, {1, -1.5f, 0});
  const StatusOr<std::map<std::string, Tensor>> outputs = (*model)->Run("predict", inputs);
  BOOST_TEST_REQUIRE(outputs.ok(), outputs.status());
  const std::vector<float> y(outputs->at("y").flat<float>().begin(), outputs->at("y").flat<float>().end());
  BOOST_TEST(y == (std::vector<float>{0, 3, 0}), boost::test_tools::per_element());
  BOOST_TEST(outputs->at("w").flat<float>()[0] == -2.0f);
}

BOOST_AUTO_TEST_CASE(a_function_calling_itself_is_an_error_naming_it) {
  const Status status = InlineStatus(Graph("f", Function("f", CallNode("again", "f"), "again:output:0")));
  BOOST_TEST(status.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(Contains(status.message(), "node 'y/again' (StatefulPartitionedCall) calling function 'f'"), status);
  BOOST_TEST(Contains(status.message(), "the function calls itself"), status);
}

BOOST_AUTO_TEST_CASE(a_cycle_of_functions_is_an_error_naming_the_chain) {
  const Status status = InlineStatus(Graph("f", Function("f", CallNode("to_g", "g"), "to_g:output:0") +
                                                    Function("g", CallNode("to_h", "h"), "to_h:output:0") +
                                                    Function("h", CallNode("to_f", "f"), "to_f:output:0")));
  BOOST_TEST(status.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(Contains(status.message(), "calling function 'f': the function calls itself ('h' <- 'g' <- 'f')"), status);
}

BOOST_AUTO_TEST_CASE(calls_nested_past_the_depth_limit_are_an_error_not_a_stack_overflow) {
  // f0 calls f1 ... calls f<n>, which returns its argument.
  auto chain = [](int n) {
    std::string functions;
    for (int i = 0; i < n; ++i) {
      functions += Function(FunctionName(i), CallNode("next", FunctionName(i + 1)), "next:output:0");
    }
    return Graph("f0", functions + Function(FunctionName(n), "", "a"));
  };
  BOOST_TEST(InlineStatus(chain(saved_model::kMaxCallDepth - 1)).ok());
  const Status status = InlineStatus(chain(10'000));
  BOOST_TEST(status.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(Contains(status.message(), "calls nest deeper than 64"), status);
}

BOOST_AUTO_TEST_CASE(a_library_doubling_at_every_level_stops_at_the_node_limit) {
  // f<i> calls f<i+1> twice: 2^40 calls of f40 if nothing stopped it.
  std::string functions;
  for (int i = 0; i < 40; ++i) {
    const std::string next = FunctionName(i + 1);
    functions += Function(FunctionName(i), CallNode("first", next) + CallNode("second", next), "first:output:0");
  }
  // A small limit: the default's million nodes would take this test seconds.
  const Status status = InlineFunctions(ParseGraph(Graph("f0", functions + Function("f40", "", "a"))), 5000).status();
  BOOST_TEST(status.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(Contains(status.message(), "makes more than 5000 nodes"), status);
}

BOOST_AUTO_TEST_CASE(a_call_whose_arity_is_not_its_functions_is_an_error_naming_both) {
  const std::string identity = Function("f", "", "a");
  const Status inputs = InlineStatus(Replaced(Graph("f", identity), "input: \"x\"", "input: [ \"x\", \"x\" ]"));
  BOOST_TEST(inputs.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(Contains(inputs.message(),
                      "node 'y' (StatefulPartitionedCall) calling function 'f': 2 inputs, the "
                      "function has 1 arguments"),
             inputs);
  const Status outputs =
      InlineStatus(Replaced(Graph("f", identity), "list { type: DT_FLOAT }", "list { type: [ DT_FLOAT, DT_FLOAT ] }"));
  BOOST_TEST(outputs.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(Contains(outputs.message(), "attr 'Tout' has 2 types, the function returns 1"), outputs);
}

BOOST_AUTO_TEST_CASE(a_call_of_a_function_not_in_the_library_is_not_found) {
  const Status status = InlineStatus(Graph("missing", Function("f", "", "a")));
  BOOST_TEST(status.code() == StatusCode::kNotFound);
  BOOST_TEST(Contains(status.message(), "node 'y' (StatefulPartitionedCall): Function 'missing'"), status);
}

BOOST_AUTO_TEST_CASE(an_output_argument_after_the_first_maps_to_its_flat_index) {
  const std::string unique = "node_def { name: \"u\" op: \"Unique\" input: \"a\" }";
  const auto inlined = InlineFunctions(ParseGraph(Graph("f", Function("f", unique, "u:idx:0"))));
  BOOST_TEST_REQUIRE(inlined.ok(), inlined.status());
  BOOST_TEST_REQUIRE(inlined->has_value());
  bool found = false;
  for (const tensorflow::NodeDef& node : (*inlined)->node()) {
    if (node.name() != "y") continue;
    found = true;
    BOOST_TEST(node.op() == "IdentityN");
    BOOST_TEST_REQUIRE(node.input_size() == 1);
    BOOST_TEST(node.input(0) == "y/u:1");
  }
  BOOST_TEST(found);
  const Status status = InlineStatus(Graph("f", Function("f", unique, "u:count:0")));
  BOOST_TEST(status.code() == StatusCode::kNotFound);
  BOOST_TEST(Contains(status.message(), "node 'u' (Unique) has no output 'count'"), status);
}

BOOST_AUTO_TEST_CASE(a_body_input_naming_no_node_is_an_error_naming_it) {
  const Status status = InlineStatus(
      Graph("f", Function("f", "node_def { name: \"r\" op: \"Relu\" input: \"nowhere:y:0\" }", "r:activations:0")));
  BOOST_TEST(status.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(Contains(status.message(), "input 'nowhere:y:0' of 'r' names no node of the function"), status);
}

}  // namespace
}  // namespace tfcompat
