// SPDX-License-Identifier: Apache-2.0
// Function inlining: a TF2 SavedModel's graph calls the functions of its
// FunctionDefLibrary (StatefulPartitionedCall, PartitionedCall) for its
// signatures and its restore op; InlineFunctions flattens those calls into
// one GraphDef the rest of the loader (Graph, RestoreVariables, Plan) reads
// as if TF1 had written it, so a run is still one flat plan.
//
// A call node "call" of function f with inputs (x, v) becomes:
//   call/<arg>    Identity of the call's i-th data input (and its control
//                 inputs), one per input_arg of f;
//   call/<node>   each node of f's body, its inputs renamed: an argument
//                 "arg" -> "call/arg", "node:out_arg:i" -> "call/node:k"
//                 with k the flat output index, "^node" -> "^call/node";
//   call          IdentityN of f's ret tensors in output_arg order, with
//                 control inputs on f's control_ret nodes (NoOp when f
//                 returns nothing), so consumers of "call:i" and "^call"
//                 are untouched.
// Calls in a body are expanded the same way, from a work list, not by
// recursion: a hostile library cannot exhaust the stack. A function that
// calls itself, directly or through others, is InvalidArgument naming the
// chain; so is nesting deeper than kMaxCallDepth, and more than
// kMaxInlinedNodes nodes in all (a library whose functions each call the
// next twice doubles at every level).
//
// Usage:
//   TFCOMPAT_ASSIGN_OR_RETURN(std::optional<tensorflow::GraphDef> flat, InlineFunctions(meta_graph.graph_def()));
//   const tensorflow::GraphDef& graph_def = flat.has_value() ? *flat : meta_graph.graph_def();
#ifndef TFCOMPAT_SRC_SAVED_MODEL_FUNCTIONS_H_
#define TFCOMPAT_SRC_SAVED_MODEL_FUNCTIONS_H_

#include <optional>

#include "tfcompat/base/status.h"
#include "tfcompat/tensorflow/graph.pb.h"

namespace tfcompat::saved_model {

// Deepest chain of calls inlined (Keras models nest 3 or 4).
inline constexpr int kMaxCallDepth = 64;
// Most nodes the flattened graph may have, by default.
inline constexpr int kMaxInlinedNodes = 1 << 20;

// The graph with every StatefulPartitionedCall and PartitionedCall replaced
// by the body of the function its attribute "f" names; nullopt when it has
// none (a TF1 graph, used as it is). Errors name the call node and the
// function: NotFound for a function not in the library; InvalidArgument for
// a call whose data inputs or "Tout" are not as many as the function's
// arguments and results, a malformed input or ret string, a cycle, a chain
// deeper than kMaxCallDepth, a graph past `max_nodes`; Unimplemented
// for a list argument; NotFound for a body input naming an output argument
// its op (Unique, ParseExampleV2) does not have.
StatusOr<std::optional<tensorflow::GraphDef>> InlineFunctions(const tensorflow::GraphDef& graph,
                                                              int max_nodes = kMaxInlinedNodes);

}  // namespace tfcompat::saved_model

#endif  // TFCOMPAT_SRC_SAVED_MODEL_FUNCTIONS_H_
