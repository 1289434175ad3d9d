// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/saved_model/saved_model.h"

#include <utility>

#include "base/str_join.h"
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

SavedModel::SavedModel(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
SavedModel::~SavedModel() = default;

StatusOr<std::unique_ptr<SavedModel>> SavedModel::Load(const std::string& dir, const std::vector<std::string>& tags,
                                                       const Options& options) {
  // The reader finds the meta graph (and words its errors); the proto of the
  // same file then gives its graph, at the same position.
  SavedModelReader::Options reader_options;
  reader_options.max_file_bytes = options.max_file_bytes;
  TFCOMPAT_ASSIGN_OR_RETURN(const auto reader, SavedModelReader::Open(dir, reader_options));
  TFCOMPAT_ASSIGN_OR_RETURN(const MetaGraphInfo* meta_graph, reader->FindMetaGraph(tags));
  const auto position = static_cast<int>(meta_graph - reader->meta_graphs().data());
  std::string file;
  TFCOMPAT_ASSIGN_OR_RETURN(const tensorflow::SavedModel proto,
                            ReadSavedModelProto(dir, options.max_file_bytes, &file));
  if (position >= proto.meta_graphs_size()) return DataLossError(file + " changed while it was read");
  const tensorflow::MetaGraphDef& meta_graph_def = proto.meta_graphs(position);

  StatusOr<saved_model::Graph> graph = saved_model::Graph::Build(meta_graph_def.graph_def());
  if (!graph.ok()) return graph.status().WithContext(file);
  auto rep = std::make_unique<Rep>();
  rep->signatures = meta_graph->signatures;
  const tensorflow::SaverDef& saver = meta_graph_def.saver_def();
  if (!saver.restore_op_name().empty()) {
    StatusOr<saved_model::VariableValues> variables =
        saved_model::RestoreVariables(*graph, saver, SavedModelVariablesPrefix(dir), options.max_tensor_bytes);
    if (!variables.ok()) return variables.status().WithContext(file);
    // Swapped in rather than move-assigned: GCC 12 at -O3 warns, falsely,
    // that the moved-from StatusOr's destructor overflows (-Wstringop-overflow).
    rep->variables.swap(*variables);
  }
  StatusOr<saved_model::TableValues> tables = saved_model::InitializeTables(
      *graph, meta_graph_def, saved_model::KernelRegistry::Builtin(), rep->variables, options.max_tensor_bytes);
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
  const auto plan = rep_->plans.find(signature);
  if (plan == rep_->plans.end()) {
    std::vector<std::string> keys;
    for (const auto& [key, unused] : rep_->plans) keys.push_back("'" + key + "'");
    return NotFoundError("the SavedModel has no signature '" + std::string(signature) + "'; it has " +
                         (keys.empty() ? std::string("none") : StrJoin(keys, ", ")));
  }
  StatusOr<std::map<std::string, Tensor>> outputs = plan->second->Run(inputs);
  if (!outputs.ok()) return outputs.status().WithContext("signature '" + std::string(signature) + "'");
  return outputs;
}

}  // namespace tfcompat
