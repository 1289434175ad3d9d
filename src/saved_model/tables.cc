// SPDX-License-Identifier: Apache-2.0
#include "saved_model/tables.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "saved_model/plan.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::saved_model {
namespace {

// What TF's loader runs after restoring the variables, or nullopt.
StatusOr<std::optional<std::string>> InitOpName(const tensorflow::MetaGraphDef& meta_graph) {
  const auto signature = meta_graph.signature_def().find(kInitOpSignatureKey);
  if (signature != meta_graph.signature_def().end()) {
    const auto output = signature->second.outputs().find(kInitOpSignatureKey);
    if (output == signature->second.outputs().end()) {
      return InvalidArgumentError(std::string("signature '") + kInitOpSignatureKey + "' has no output '" +
                                  kInitOpSignatureKey + "'");
    }
    return std::optional<std::string>(output->second.name());
  }
  for (const char* key : {"saved_model_main_op", "legacy_init_op"}) {
    const auto collection = meta_graph.collection_def().find(key);
    if (collection == meta_graph.collection_def().end()) continue;
    if (collection->second.node_list().value_size() != 1) {
      return InvalidArgumentError(std::string("Expected exactly one main op in collection '") + key + "'");
    }
    return std::optional<std::string>(collection->second.node_list().value(0));
  }
  return std::optional<std::string>();
}

std::string TensorName(const Graph& graph, TensorRef ref) {
  return graph.name(ref.node) + ":" + std::to_string(ref.output);
}

}  // namespace

StatusOr<TableValues> InitializeTables(const Graph& graph, const tensorflow::MetaGraphDef& meta_graph,
                                       const KernelRegistry& registry, const VariableValues& variables,
                                       uint64_t max_tensor_bytes) {
  TableValues tables;
  TFCOMPAT_ASSIGN_OR_RETURN(const std::optional<std::string> init_op, InitOpName(meta_graph));
  if (!init_op.has_value()) return tables;
  TFCOMPAT_ASSIGN_OR_RETURN(const TensorRef init, graph.FindTensor(*init_op));
  const int fetch[] = {init.node};
  TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<int> order, graph.Prune(fetch, {}));
  for (const int index : order) {
    const GraphNode& node = graph.node(index);
    const tensorflow::NodeDef& def = *node.def;
    if (def.op() != "LookupTableImportV2" && def.op() != "InitializeTableV2") continue;
    const std::string label = "init op node '" + def.name() + "' (" + def.op() + ")";
    if (node.inputs.size() != 3) return InvalidArgumentError(label + ": expected 3 inputs");
    const tensorflow::NodeDef& table_def = *graph.node(node.inputs[0].node).def;
    if (table_def.op() != "HashTableV2") {
      return UnimplementedError(label + ": input 0 is node '" + table_def.name() + "' (" + table_def.op() +
                                "), not a HashTableV2");
    }
    if (tables.contains(node.inputs[0].node)) {
      return InvalidArgumentError(label + ": the init op fills table '" + table_def.name() + "' twice");
    }
    // The keys and values, computed as a signature with no inputs would be.
    SignatureInfo contents;
    contents.outputs["keys"].name = TensorName(graph, node.inputs[1]);
    contents.outputs["values"].name = TensorName(graph, node.inputs[2]);
    // Keys and values that read another table are not what TF's lookup
    // constructors write: no tables here.
    const TableValues no_tables;
    StatusOr<std::unique_ptr<Plan>> plan =
        Plan::Build(graph, registry, variables, no_tables, contents, max_tensor_bytes);
    if (!plan.ok()) return plan.status().WithContext(label);
    StatusOr<std::map<std::string, Tensor>> computed = (*plan)->Run({});
    if (!computed.ok()) return computed.status().WithContext(label);
    const NodeAttrs table_attrs(table_def);
    TFCOMPAT_ASSIGN_OR_RETURN(const DataType key_dtype, table_attrs.Type("key_dtype"));
    TFCOMPAT_ASSIGN_OR_RETURN(const DataType value_dtype, table_attrs.Type("value_dtype"));
    StatusOr<LookupTable> table =
        LookupTable::Import(key_dtype, value_dtype, computed->at("keys"), computed->at("values"));
    if (!table.ok()) return table.status().WithContext(label);
    tables.emplace(node.inputs[0].node, *std::move(table));
  }
  return tables;
}

}  // namespace tfcompat::saved_model
