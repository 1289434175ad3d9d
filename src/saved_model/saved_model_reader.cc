// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/saved_model/saved_model_reader.h"

#include <algorithm>
#include <set>
#include <unordered_map>
#include <utility>

#include "base/str_join.h"
#include "io/file.h"
#include "io/text_proto.h"
#include "saved_model/saved_model_proto.h"
#include "tfcompat/base/status_macros.h"
#include "tfcompat/checkpoint/checkpoint.h"
#include "tfcompat/tensorflow/saved_model.pb.h"

namespace tfcompat {
namespace {

constexpr std::string_view kBinaryFile = "saved_model.pb";
constexpr std::string_view kTextFile = "saved_model.pbtxt";

SignatureTensor ToSignatureTensor(const tensorflow::TensorInfo& info) {
  SignatureTensor tensor;
  tensor.name = info.name();
  tensor.dtype = static_cast<DataType>(info.dtype());
  if (!info.tensor_shape().unknown_rank()) {
    TensorShape dims;
    for (const auto& dim : info.tensor_shape().dim()) dims.push_back(dim.size());
    tensor.shape = std::move(dims);
  }
  return tensor;
}

// TF's meta_graph.ops_used_by_graph_def, step for step: the functions it
// follows are those a node names as its op and the `f` of the two call ops
// (not, say, a While's body), and a call without `f` uses the op "".
std::vector<std::string> OpsUsed(const tensorflow::GraphDef& graph) {
  std::unordered_map<std::string, const tensorflow::FunctionDef*> functions;
  for (const tensorflow::FunctionDef& function : graph.library().function()) {
    functions[function.signature().name()] = &function;  // the last of a name wins, as in TF's dict
  }
  std::set<std::string> used;
  std::vector<const tensorflow::FunctionDef*> pending;
  const auto mark = [&](const std::string& op) {
    if (!used.insert(op).second) return;
    const auto function = functions.find(op);
    if (function != functions.end()) pending.push_back(function->second);
  };
  const auto visit = [&](const tensorflow::NodeDef& node) {
    mark(node.op());
    if (node.op() == "PartitionedCall" || node.op() == "StatefulPartitionedCall") {
      const auto f = node.attr().find("f");
      mark(f == node.attr().end() ? std::string() : f->second.func().name());
    }
  };
  for (const tensorflow::NodeDef& node : graph.node()) visit(node);
  while (!pending.empty()) {
    const tensorflow::FunctionDef* function = pending.back();
    pending.pop_back();
    for (const tensorflow::NodeDef& node : function->node_def()) visit(node);
  }
  std::vector<std::string> ops;
  for (const std::string& op : used) {
    if (!functions.contains(op)) ops.push_back(op);
  }
  return ops;
}

MetaGraphInfo ToMetaGraphInfo(const tensorflow::MetaGraphDef& meta_graph) {
  MetaGraphInfo info;
  const auto& meta_info = meta_graph.meta_info_def();
  info.tags.assign(meta_info.tags().begin(), meta_info.tags().end());
  info.tensorflow_version = meta_info.tensorflow_version();
  info.tensorflow_git_version = meta_info.tensorflow_git_version();
  for (const auto& [key, signature_def] : meta_graph.signature_def()) {
    SignatureInfo& signature = info.signatures[key];
    for (const auto& [name, tensor] : signature_def.inputs()) signature.inputs[name] = ToSignatureTensor(tensor);
    for (const auto& [name, tensor] : signature_def.outputs()) signature.outputs[name] = ToSignatureTensor(tensor);
    signature.method_name = signature_def.method_name();
  }
  info.ops = OpsUsed(meta_graph.graph_def());
  return info;
}

// "'serve'", "'gpu, serve'": a tag set as saved_model_cli lists it.
std::string QuotedTagSet(std::vector<std::string> tags) {
  std::sort(tags.begin(), tags.end());
  std::string quoted = "'";  // appended: GCC 12 warns (-Wrestrict) on "'" + StrJoin(...) + "'"
  quoted += StrJoin(tags, ", ");
  quoted += "'";
  return quoted;
}

}  // namespace

struct SavedModelReader::Rep {
  std::string dir;
  std::string file;
  std::vector<MetaGraphInfo> meta_graphs;
};

SavedModelReader::SavedModelReader(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
SavedModelReader::~SavedModelReader() = default;

StatusOr<std::unique_ptr<SavedModelReader>> SavedModelReader::Open(const std::string& dir, const Options& options) {
  TFCOMPAT_ASSIGN_OR_RETURN(ParsedSavedModel parsed, ParseSavedModel(dir, options.max_file_bytes));
  auto rep = std::make_unique<Rep>();
  rep->dir = dir;
  rep->file = std::move(parsed.file);
  rep->meta_graphs = std::move(parsed.meta_graphs);
  return std::unique_ptr<SavedModelReader>(new SavedModelReader(std::move(rep)));
}

const std::string& SavedModelReader::dir() const { return rep_->dir; }
const std::string& SavedModelReader::file() const { return rep_->file; }
const std::vector<MetaGraphInfo>& SavedModelReader::meta_graphs() const { return rep_->meta_graphs; }

StatusOr<const MetaGraphInfo*> SavedModelReader::FindMetaGraph(const std::vector<std::string>& tags) const {
  TFCOMPAT_ASSIGN_OR_RETURN(const size_t index, FindMetaGraphIndex(rep_->meta_graphs, tags, rep_->file));
  return &rep_->meta_graphs[index];
}

StatusOr<const SignatureInfo*> SavedModelReader::FindSignature(const MetaGraphInfo& meta_graph,
                                                               std::string_view key) const {
  const auto signature = meta_graph.signatures.find(std::string(key));
  if (signature != meta_graph.signatures.end()) return &signature->second;
  std::vector<std::string> keys;
  for (const auto& [name, unused] : meta_graph.signatures) keys.push_back("\"" + name + "\"");
  return NotFoundError("Could not find signature \"" + std::string(key) + "\" in the MetaGraphDef with tag-set " +
                       QuotedTagSet(meta_graph.tags) + " of " + rep_->file + "; " +
                       (keys.empty() ? "it has no signatures" : "it has " + StrJoin(keys, ", ")));
}

StatusOr<ParsedSavedModel> ParseSavedModel(const std::string& dir, uint64_t max_file_bytes) {
  Env* env = Env::Default();
  if (Status is_dir = env->IsDirectory(dir); !is_dir.ok()) {
    if (is_dir.code() == StatusCode::kNotFound) return NotFoundError("SavedModel directory " + dir + " does not exist");
    return is_dir;
  }
  ParsedSavedModel parsed;
  tensorflow::SavedModel& proto = parsed.proto;
  const std::string binary = JoinPath(dir, kBinaryFile);
  const std::string text = JoinPath(dir, kTextFile);
  if (env->FileExists(binary).ok()) {
    parsed.file = binary;
    TFCOMPAT_ASSIGN_OR_RETURN(const std::string contents, ReadFileToString(env, binary, max_file_bytes));
    if (!proto.ParseFromString(contents)) {
      return DataLossError(binary + ": not a SavedModel proto (" + std::to_string(contents.size()) +
                           " bytes; truncated or corrupt)");
    }
  } else if (env->FileExists(text).ok()) {
    parsed.file = text;
    TFCOMPAT_ASSIGN_OR_RETURN(const std::string contents, ReadFileToString(env, text, max_file_bytes));
    if (Status status = ParseTextProto(contents, &proto, /*allow_unknown_fields=*/true); !status.ok()) {
      return DataLossError(text + ":" + status.message() + " (not a text-format SavedModel)");
    }
  } else {
    return NotFoundError("SavedModel file does not exist at: " + dir + "/{" + std::string(kTextFile) + "|" +
                         std::string(kBinaryFile) + "}");
  }
  if (proto.meta_graphs().empty()) return DataLossError(parsed.file + ": a SavedModel with no MetaGraphDef");
  for (const tensorflow::MetaGraphDef& meta_graph : proto.meta_graphs()) {
    parsed.meta_graphs.push_back(ToMetaGraphInfo(meta_graph));
  }
  return parsed;
}

StatusOr<size_t> FindMetaGraphIndex(const std::vector<MetaGraphInfo>& meta_graphs, const std::vector<std::string>& tags,
                                    const std::string& file) {
  std::set<std::string> wanted(tags.begin(), tags.end());
  wanted.erase("");
  for (size_t i = 0; i < meta_graphs.size(); ++i) {
    if (std::set<std::string>(meta_graphs[i].tags.begin(), meta_graphs[i].tags.end()) == wanted) return i;
  }
  std::vector<std::vector<std::string>> tag_sets;
  for (const MetaGraphInfo& meta_graph : meta_graphs) tag_sets.push_back(meta_graph.tags);
  std::sort(tag_sets.begin(), tag_sets.end());
  std::vector<std::string> quoted;
  for (const std::vector<std::string>& tag_set : tag_sets) quoted.push_back(QuotedTagSet(tag_set));
  return NotFoundError("MetaGraphDef associated with tag-set " +
                       QuotedTagSet(std::vector<std::string>(wanted.begin(), wanted.end())) +
                       " could not be found in " + file + "; it has the tag-sets " + StrJoin(quoted, ", "));
}

bool ContainsSavedModel(const std::string& dir) {
  Env* env = Env::Default();
  return env->FileExists(JoinPath(dir, kBinaryFile)).ok() || env->FileExists(JoinPath(dir, kTextFile)).ok();
}

std::string SavedModelVariablesPrefix(std::string_view dir) { return JoinPath(dir, "variables/variables"); }

StatusOr<std::string> ResolveCheckpointPath(const std::string& path) {
  if (ContainsSavedModel(path)) return SavedModelVariablesPrefix(path);
  return ResolveCheckpoint(path);
}

std::string DataTypeProtoName(DataType dtype) {
  const std::string& name = tensorflow::DataType_Name(static_cast<int>(dtype));
  if (!name.empty()) return name;
  return "DataType(" + std::to_string(static_cast<int>(dtype)) + ")";
}

}  // namespace tfcompat
