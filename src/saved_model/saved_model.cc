// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/saved_model/saved_model.h"

#include <optional>
#include <utility>

#include "base/str_join.h"
#include "saved_model/functions.h"
#include "saved_model/graph.h"
#include "saved_model/plan.h"
#include "saved_model/saved_model_proto.h"
#include "saved_model/tables.h"
#include "saved_model/variables.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat {

struct SavedModel::Rep {
  std::map<std::string, SignatureInfo> signatures;
  // The plans read the variables in place.
  saved_model::VariableValues variables;
  // And the tables the init op filled.
  saved_model::TableValues tables;
  std::map<std::string, std::unique_ptr<saved_model::Plan>, std::less<>> plans;
};

namespace {

// Sets *variables to those the saver's restore op restores from DIR/variables.
// A function of its own: written out in Load, the StatusOr's destructor
// draws GCC 12's false -Wstringop-overflow.
Status RestoreInto(const saved_model::Graph& graph, const tensorflow::SaverDef& saver, const std::string& dir,
                   uint64_t max_tensor_bytes, saved_model::VariableValues* variables) {
  TFCOMPAT_ASSIGN_OR_RETURN(
      *variables, saved_model::RestoreVariables(graph, saver, SavedModelVariablesPrefix(dir), max_tensor_bytes));
  return OkStatus();
}

}  // namespace

SavedModel::SavedModel(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
SavedModel::~SavedModel() = default;

StatusOr<std::unique_ptr<SavedModel>> SavedModel::Load(const std::string& dir, const std::vector<std::string>& tags,
                                                       const Options& options) {
  // One read of the file gives the meta graph's description (the reader's,
  // with its errors) and its graph.
  TFCOMPAT_ASSIGN_OR_RETURN(const ParsedSavedModel parsed, ParseSavedModel(dir, options.max_file_bytes));
  const std::string& file = parsed.file;
  TFCOMPAT_ASSIGN_OR_RETURN(const size_t index, FindMetaGraphIndex(parsed.meta_graphs, tags, file));
  const tensorflow::MetaGraphDef& meta_graph_def = parsed.proto.meta_graphs(static_cast<int>(index));

  // A TF2 export's signatures and restore op call functions: flattened
  // here, once, so that the plans are as flat as a TF1 graph's.
  StatusOr<std::optional<tensorflow::GraphDef>> inlined = saved_model::InlineFunctions(meta_graph_def.graph_def());
  if (!inlined.ok()) return inlined.status().WithContext(file);
  StatusOr<saved_model::Graph> graph =
      saved_model::Graph::Build(inlined->has_value() ? **inlined : meta_graph_def.graph_def());
  if (!graph.ok()) return graph.status().WithContext(file);
  auto rep = std::make_unique<Rep>();
  rep->signatures = parsed.meta_graphs[index].signatures;
  // TF's loader runs this one once, as the init op (tables.h), and does not
  // offer it as a signature.
  rep->signatures.erase(saved_model::kInitOpSignatureKey);
  const tensorflow::SaverDef& saver = meta_graph_def.saver_def();
  if (!saver.restore_op_name().empty()) {
    const Status restored = RestoreInto(*graph, saver, dir, options.max_tensor_bytes, &rep->variables);
    if (!restored.ok()) return restored.WithContext(file);
  }
  // Keras 3's tf.saved_model.save: its signatures capture variables that
  // restore op leaves alone (variables.h).
  if (meta_graph_def.has_object_graph_def()) {
    const Status bound = saved_model::RestoreCapturedVariables(
        meta_graph_def.graph_def(), *graph, meta_graph_def.object_graph_def(), SavedModelVariablesPrefix(dir),
        options.max_tensor_bytes, &rep->variables);
    if (!bound.ok()) return bound.WithContext(file);
  }
  StatusOr<saved_model::TableValues> tables = saved_model::InitializeTables(
      *graph, meta_graph_def, saved_model::KernelRegistry::Builtin(), rep->variables, options.max_tensor_bytes, dir);
  if (!tables.ok()) return tables.status().WithContext(file);
  rep->tables.swap(*tables);
  for (const auto& [key, signature] : rep->signatures) {
    StatusOr<std::unique_ptr<saved_model::Plan>> plan =
        saved_model::Plan::Build(*graph, saved_model::KernelRegistry::Builtin(), rep->variables, rep->tables, signature,
                                 options.max_tensor_bytes);
    if (!plan.ok()) return plan.status().WithContext(file + ": signature '" + key + "'");
    rep->plans.emplace(key, *std::move(plan));
  }
  return std::unique_ptr<SavedModel>(new SavedModel(std::move(rep)));
}

const std::map<std::string, SignatureInfo>& SavedModel::signatures() const { return rep_->signatures; }

StatusOr<std::map<std::string, Tensor>> SavedModel::Run(std::string_view signature,
                                                        const std::map<std::string, Tensor>& inputs) const {
  std::map<std::string, Tensor> outputs;
  TFCOMPAT_RETURN_IF_ERROR(Run(signature, inputs, &outputs));
  return outputs;
}

Status SavedModel::Run(std::string_view signature, const std::map<std::string, Tensor>& inputs,
                       std::map<std::string, Tensor>* outputs) const {
  const auto plan = rep_->plans.find(signature);
  if (plan == rep_->plans.end()) {
    std::vector<std::string> keys;
    for (const auto& [key, unused] : rep_->plans) keys.push_back("'" + key + "'");
    return NotFoundError("the SavedModel has no signature '" + std::string(signature) + "'; it has " +
                         (keys.empty() ? std::string("none") : StrJoin(keys, ", ")));
  }
  if (Status status = plan->second->Run(inputs, outputs); !status.ok()) {
    return status.WithContext("signature '" + std::string(signature) + "'");
  }
  return OkStatus();
}

}  // namespace tfcompat
