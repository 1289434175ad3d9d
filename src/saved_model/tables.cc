// SPDX-License-Identifier: Apache-2.0
#include "saved_model/tables.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "io/file.h"
#include "saved_model/plan.h"
#include "tfcompat/base/status_macros.h"
#include "tfcompat/tensorflow/meta_graph.pb.h"

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

// The file TF's loader feeds to `tensor` when it is an asset:
// DIR/assets/<filename> of its AssetFileDef (MetaGraphDef.asset_file_def,
// or TF1's "saved_model_assets" collection); nullopt for no asset.
StatusOr<std::optional<std::string>> AssetPath(const tensorflow::MetaGraphDef& meta_graph, const std::string& tensor,
                                               const std::string& dir) {
  std::vector<tensorflow::AssetFileDef> assets(meta_graph.asset_file_def().begin(), meta_graph.asset_file_def().end());
  const auto collection = meta_graph.collection_def().find("saved_model_assets");
  if (collection != meta_graph.collection_def().end()) {
    for (const auto& any : collection->second.any_list().value()) {
      if (!any.type_url().ends_with("/tensorflow.AssetFileDef") ||
          !assets.emplace_back().ParseFromString(any.value())) {
        return InvalidArgumentError("collection 'saved_model_assets' holds a value that is no AssetFileDef");
      }
    }
  }
  for (const tensorflow::AssetFileDef& asset : assets) {
    if (asset.tensor_info().name() != tensor) continue;
    // The file name comes from an untrusted saved_model.pb: it names a file
    // of assets/, never one elsewhere.
    const std::string& name = asset.filename();
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos) {
      return InvalidArgumentError("asset '" + name + "' of tensor '" + tensor + "' is not a file name");
    }
    return std::optional<std::string>(dir + "/assets/" + name);
  }
  return std::optional<std::string>();
}

// InitializeTableFromTextFileV2 as vocabulary files use it (key_index -2:
// the whole line is the key; value_index -1: the line number plus offset is
// the value), reading the first vocab_size lines (all for -1), TF's
// lookup_util.cc: an empty line or fewer lines than vocab_size is an error.
StatusOr<LookupTable> TextFileTable(const NodeAttrs& attrs, const std::string& path, DataType key_dtype,
                                    DataType value_dtype, uint64_t max_tensor_bytes) {
  TFCOMPAT_ASSIGN_OR_RETURN(const int64_t key_index, attrs.Int("key_index", 0));
  TFCOMPAT_ASSIGN_OR_RETURN(const int64_t value_index, attrs.Int("value_index", 0));
  TFCOMPAT_ASSIGN_OR_RETURN(const int64_t vocab_size, attrs.Int("vocab_size", -1));
  TFCOMPAT_ASSIGN_OR_RETURN(const int64_t offset, attrs.Int("offset", 0));
  if (key_index != -2) return attrs.Unsupported("key_index", "only -2, the whole line");
  if (value_index != -1) return attrs.Unsupported("value_index", "only -1, the line number");
  if (value_dtype != DataType::kInt64 || (key_dtype != DataType::kString && key_dtype != DataType::kInt64)) {
    return attrs.Error("a vocabulary file fills tables of string or int64 keys and int64 values");
  }
  TFCOMPAT_ASSIGN_OR_RETURN(const std::string text, ReadFileToString(Env::Default(), path, max_tensor_bytes));
  std::vector<std::string> lines;
  std::vector<int64_t> keys, values;
  for (size_t start = 0;
       start < text.size() && (vocab_size == -1 || static_cast<int64_t>(values.size()) < vocab_size);) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto number = static_cast<int64_t>(values.size());
    if (line.empty()) {
      return InvalidArgumentError("Invalid content in " + path + ": empty line found at position " +
                                  std::to_string(number) + ".");
    }
    if (key_dtype == DataType::kInt64) {
      size_t used = 0;
      int64_t key = 0;
      try {
        key = std::stoll(line, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != line.size()) {
        return InvalidArgumentError("Field " + line + " in line " + std::to_string(number) + " is not a valid int64.");
      }
      keys.push_back(key);
    } else {
      lines.push_back(std::move(line));
    }
    values.push_back(number + offset);
  }
  const auto count = static_cast<int64_t>(values.size());
  if (vocab_size != -1 && count != vocab_size) {
    return InvalidArgumentError("Invalid vocab_size in " + path + ": expected " + std::to_string(vocab_size) +
                                " but got " + std::to_string(count));
  }
  const Tensor value_tensor = Tensor::FromVector<int64_t>(DataType::kInt64, {count}, values);
  if (key_dtype == DataType::kInt64) {
    return LookupTable::Import(key_dtype, value_dtype, Tensor::FromVector<int64_t>(DataType::kInt64, {count}, keys),
                               value_tensor);
  }
  TFCOMPAT_ASSIGN_OR_RETURN(const Tensor key_tensor, Tensor::FromStrings({count}, std::move(lines)));
  return LookupTable::Import(key_dtype, value_dtype, key_tensor, value_tensor);
}

}  // namespace

StatusOr<TableValues> InitializeTables(const Graph& graph, const tensorflow::MetaGraphDef& meta_graph,
                                       const KernelRegistry& registry, const VariableValues& variables,
                                       uint64_t max_tensor_bytes, const std::string& dir) {
  TableValues tables;
  TFCOMPAT_ASSIGN_OR_RETURN(const std::optional<std::string> init_op, InitOpName(meta_graph));
  if (!init_op.has_value()) return tables;
  TFCOMPAT_ASSIGN_OR_RETURN(const TensorRef init, graph.FindTensor(*init_op));
  const int fetch[] = {init.node};
  TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<int> order, graph.Prune(fetch, {}));
  for (const int index : order) {
    const GraphNode& node = graph.node(index);
    const tensorflow::NodeDef& def = *node.def;
    const bool from_file = def.op() == "InitializeTableFromTextFileV2";
    if (def.op() != "LookupTableImportV2" && def.op() != "InitializeTableV2" && !from_file) continue;
    const std::string label = "init op node '" + def.name() + "' (" + def.op() + ")";
    if (node.inputs.size() != (from_file ? 2u : 3u)) {
      return InvalidArgumentError(label + ": expected " + std::string(from_file ? "2" : "3") + " inputs");
    }
    const tensorflow::NodeDef& table_def = *graph.node(node.inputs[0].node).def;
    if (table_def.op() != "HashTableV2") {
      return UnimplementedError(label + ": input 0 is node '" + table_def.name() + "' (" + table_def.op() +
                                "), not a HashTableV2");
    }
    if (tables.contains(node.inputs[0].node)) {
      return InvalidArgumentError(label + ": the init op fills table '" + table_def.name() + "' twice");
    }
    const NodeAttrs table_attrs(table_def);
    TFCOMPAT_ASSIGN_OR_RETURN(const DataType key_dtype, table_attrs.Type("key_dtype"));
    TFCOMPAT_ASSIGN_OR_RETURN(const DataType value_dtype, table_attrs.Type("value_dtype"));
    if (from_file) {
      const std::string filename = TensorName(graph, node.inputs[1]);
      StatusOr<std::optional<std::string>> path = AssetPath(meta_graph, filename, dir);
      if (!path.ok()) return path.status().WithContext(label);
      if (!path->has_value()) {
        return UnimplementedError(label + ": the file name '" + filename +
                                  "' is no asset of the SavedModel; only assets are read");
      }
      StatusOr<LookupTable> table = TextFileTable(NodeAttrs(def), **path, key_dtype, value_dtype, max_tensor_bytes);
      if (!table.ok()) return table.status().WithContext(label);
      tables.emplace(node.inputs[0].node, *std::move(table));
      continue;
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
    std::map<std::string, Tensor> computed;
    if (Status status = (*plan)->Run({}, &computed); !status.ok()) return status.WithContext(label);
    StatusOr<LookupTable> table =
        LookupTable::Import(key_dtype, value_dtype, computed.at("keys"), computed.at("values"));
    if (!table.ok()) return table.status().WithContext(label);
    tables.emplace(node.inputs[0].node, *std::move(table));
  }
  return tables;
}

}  // namespace tfcompat::saved_model
