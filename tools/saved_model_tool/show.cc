// SPDX-License-Identifier: Apache-2.0
// saved_model_tool show: saved_model_cli's show (the _show_* functions of
// tensorflow/python/tools/saved_model_cli.py, TF 2.15), line for line, so
// that what people grep its output for finds the same lines here. Left out:
// the "Concrete Functions" --all prints for a TF2 SavedModel, which TF
// finds by loading the object graph into Python objects.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "base/str_join.h"
#include "commands.h"
#include "output.h"
#include "tfcompat/saved_model/saved_model_reader.h"

namespace tfcompat::saved_model_tool {
namespace {

// Python's repr() of a str: quoted with ' (with " when the text holds a '
// and no "), backslash escapes for the quote, \, \t, \n, \r and the other
// ASCII control characters. Non-ASCII text is printed as it is, which
// Python also does for every printable character.
std::string PythonRepr(std::string_view text) {
  const bool double_quotes = text.find('\'') != std::string_view::npos && text.find('"') == std::string_view::npos;
  const char quote = double_quotes ? '"' : '\'';
  std::string repr(1, quote);
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == quote || c == '\\') {
      repr += '\\';
      repr += c;
    } else if (c == '\t') {
      repr += "\\t";
    } else if (c == '\n') {
      repr += "\\n";
    } else if (c == '\r') {
      repr += "\\r";
    } else if (byte < 0x20 || byte == 0x7f) {
      char escaped[5];
      std::snprintf(escaped, sizeof(escaped), "\\x%02x", byte);
      repr += escaped;
    } else {
      repr += c;
    }
  }
  repr += quote;
  return repr;
}

std::vector<std::string> Reprs(const std::vector<std::string>& items) {
  std::vector<std::string> reprs;
  for (const std::string& item : items) reprs.push_back(PythonRepr(item));
  return reprs;
}

// Python's print of a list of str: ['serve', 'gpu'].
std::string PythonList(const std::vector<std::string>& items) { return "[" + StrJoin(Reprs(items), ", ") + "]"; }

// Python's print of a set of str, sorted (Python's order is that of the
// strings' hashes, which changes from run to run): {'Const', 'NoOp'}, and
// set() when empty.
std::string PythonSet(const std::vector<std::string>& sorted_items) {
  if (sorted_items.empty()) return "set()";
  return "{" + StrJoin(Reprs(sorted_items), ", ") + "}";
}

// The meta graphs in saved_model_cli's order: sorted (stably) by their tag
// lists as stored, as Python compares lists.
std::vector<const MetaGraphInfo*> SortedMetaGraphs(const SavedModelReader& model) {
  std::vector<const MetaGraphInfo*> meta_graphs;
  for (const MetaGraphInfo& meta_graph : model.meta_graphs()) meta_graphs.push_back(&meta_graph);
  std::stable_sort(meta_graphs.begin(), meta_graphs.end(),
                   [](const MetaGraphInfo* a, const MetaGraphInfo* b) { return a->tags < b->tags; });
  return meta_graphs;
}

std::vector<std::string> SplitTags(const std::string& tag_set) {
  std::vector<std::string> tags;
  size_t start = 0;
  while (true) {
    const size_t comma = tag_set.find(',', start);
    tags.push_back(tag_set.substr(start, comma - start));
    if (comma == std::string::npos) return tags;
    start = comma + 1;
  }
}

// "(-1, 4)", "(-1)", "()" for a scalar, "unknown_rank".
std::string ShapeText(const SignatureTensor& tensor) {
  if (!tensor.shape) return "unknown_rank";
  std::vector<std::string> dims;
  for (const int64_t dim : *tensor.shape) dims.push_back(std::to_string(dim));
  return "(" + StrJoin(dims, ", ") + ")";
}

// `indent` counts steps of two spaces, as saved_model_cli's does.
void PrintTensorInfo(const SignatureTensor& tensor, int indent, std::ostream& out) {
  const std::string pad(2 * indent + 4, ' ');
  out << pad << "dtype: " << DataTypeProtoName(tensor.dtype) << "\n";
  out << pad << "shape: " << ShapeText(tensor) << "\n";
  out << pad << "name: " << tensor.name << "\n";
}

void PrintInputsOutputs(const SignatureInfo& signature, int indent, std::ostream& out) {
  const std::string pad(2 * indent, ' ');
  out << pad << "The given SavedModel SignatureDef contains the following input(s):\n";
  for (const auto& [key, tensor] : signature.inputs) {
    out << pad << "  inputs['" << key << "'] tensor_info:\n";
    PrintTensorInfo(tensor, indent + 1, out);
  }
  out << pad << "The given SavedModel SignatureDef contains the following output(s):\n";
  for (const auto& [key, tensor] : signature.outputs) {
    out << pad << "  outputs['" << key << "'] tensor_info:\n";
    PrintTensorInfo(tensor, indent + 1, out);
  }
  out << pad << "Method name is: " << signature.method_name << "\n";
}

void PrintTagSets(const std::vector<const MetaGraphInfo*>& meta_graphs, std::ostream& out) {
  out << "The given SavedModel contains the following tag-sets:\n";
  for (const MetaGraphInfo* meta_graph : meta_graphs) {
    std::vector<std::string> tags = meta_graph->tags;
    std::sort(tags.begin(), tags.end());
    out << PythonRepr(StrJoin(tags, ", ")) << "\n";
  }
}

void PrintSignatureKeys(const MetaGraphInfo& meta_graph, std::ostream& out) {
  out << "The given SavedModel MetaGraphDef contains SignatureDefs with the following keys:\n";
  for (const auto& [key, signature] : meta_graph.signatures) out << "SignatureDef key: \"" << key << "\"\n";
}

void PrintAll(const std::vector<const MetaGraphInfo*>& meta_graphs, std::ostream& out) {
  for (const MetaGraphInfo* meta_graph : meta_graphs) {
    out << "\nMetaGraphDef with tag-set: '" << StrJoin(meta_graph->tags, ", ")
        << "' contains the following SignatureDefs:\n";
    for (const auto& [key, signature] : meta_graph->signatures) {
      out << "\nsignature_def['" << key << "']:\n";
      PrintInputsOutputs(signature, 1, out);
    }
    out << "The MetaGraph with tag set " << PythonList(meta_graph->tags)
        << " contains the following ops: " << PythonSet(meta_graph->ops) << "\n";
  }
}

nlohmann::json TensorsJson(const std::map<std::string, SignatureTensor>& tensors) {
  nlohmann::json json = nlohmann::json::object();
  for (const auto& [key, tensor] : tensors) {
    json[key] = {{"name", tensor.name},
                 {"dtype", DataTypeProtoName(tensor.dtype)},
                 {"shape", tensor.shape ? nlohmann::json(*tensor.shape) : nlohmann::json(nullptr)}};
  }
  return json;
}

nlohmann::json SignatureJson(const SignatureInfo& signature) {
  return {{"method_name", signature.method_name},
          {"inputs", TensorsJson(signature.inputs)},
          {"outputs", TensorsJson(signature.outputs)}};
}

// `only`: the one signature to show, or all when null.
nlohmann::json MetaGraphJson(const MetaGraphInfo& meta_graph, const std::string* only) {
  nlohmann::json signatures = nlohmann::json::object();
  for (const auto& [key, signature] : meta_graph.signatures) {
    if (only == nullptr || key == *only) signatures[key] = SignatureJson(signature);
  }
  return {{"tags", meta_graph.tags},
          {"tensorflow_version", meta_graph.tensorflow_version},
          {"tensorflow_git_version", meta_graph.tensorflow_git_version},
          {"signatures", std::move(signatures)},
          {"ops", meta_graph.ops}};
}

}  // namespace

int RunShow(const ShowOptions& options, std::ostream& out, std::ostream& err) {
  StatusOr<std::unique_ptr<SavedModelReader>> model = SavedModelReader::Open(options.dir);
  if (!model.ok()) return cli::ReportError(kTool, model.status(), err);
  std::vector<const MetaGraphInfo*> meta_graphs = SortedMetaGraphs(**model);
  const SignatureInfo* signature = nullptr;
  if (options.tag_set) {
    StatusOr<const MetaGraphInfo*> meta_graph = (*model)->FindMetaGraph(SplitTags(*options.tag_set));
    if (!meta_graph.ok()) return cli::ReportError(kTool, meta_graph.status(), err);
    meta_graphs = {*meta_graph};
    if (options.signature_def) {
      StatusOr<const SignatureInfo*> found = (*model)->FindSignature(**meta_graph, *options.signature_def);
      if (!found.ok()) return cli::ReportError(kTool, found.status(), err);
      signature = *found;
    }
  }
  if (options.json) {
    nlohmann::json json_meta_graphs = nlohmann::json::array();
    for (const MetaGraphInfo* meta_graph : meta_graphs) {
      json_meta_graphs.push_back(MetaGraphJson(*meta_graph, signature ? &*options.signature_def : nullptr));
    }
    cli::PrintJson(out, {{"dir", options.dir}, {"file", (*model)->file()}, {"meta_graphs", json_meta_graphs}});
  } else if (options.all) {
    PrintAll(meta_graphs, out);
  } else if (signature != nullptr) {
    PrintInputsOutputs(*signature, 0, out);
  } else if (options.tag_set) {
    PrintSignatureKeys(*meta_graphs.front(), out);
  } else {
    PrintTagSets(meta_graphs, out);
  }
  return cli::kExitOk;
}

void SetupShow(CLI::App& app, cli::Action* action) {
  auto options = std::make_shared<ShowOptions>();
  CLI::App* sub = app.add_subcommand(
      "show", "Tag sets; a meta graph's signatures; a signature's inputs and outputs (as saved_model_cli show)");
  sub->add_option("dir,--dir", options->dir, "SavedModel directory (holding saved_model.pb)")->required();
  CLI::Option* tag_set = sub->add_option(
      "--tag_set", options->tag_set, "The meta graph's tags, comma-separated (serve; serve,gpu): lists its signatures");
  CLI::Option* signature_def =
      sub->add_option("--signature_def", options->signature_def,
                      "A signature of the --tag_set meta graph (serving_default): its inputs, outputs, method name")
          ->needs(tag_set);
  sub->add_flag("--all", options->all, "Every meta graph, signature, input, output and the ops of each graph")
      ->excludes(tag_set)
      ->excludes(signature_def);
  cli::AddJsonFlag(sub, &options->json);
  sub->callback([options, action] {
    *action = [options](std::ostream& out, std::ostream& err) { return RunShow(*options, out, err); };
  });
}

}  // namespace tfcompat::saved_model_tool
