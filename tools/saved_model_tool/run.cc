// SPDX-License-Identifier: Apache-2.0
// saved_model_tool run: saved_model_cli's run (TF 2.15), its flags and
// input syntax, on SavedModel::Run instead of a TF session.
//
// The three input flags each take "key=value" items separated by ';':
//   --input_exprs     key=[[1.5, 2], [3, 4]]     a nested list literal (JSON; Python's
//                                                single-quoted strings accepted),
//                                                converted to the input's dtype
//   --input_examples  key=[{"x": [1.0, 2.0]}]     a list of feature dicts, each a
//                                                serialized tf.train.Example: a list
//                                                of floats is a FloatList, of ints an
//                                                Int64List, of strings a BytesList
//   --inputs          key=file.npy               a NumPy .npy file (little-endian
//                                                float32/64, int32/64, C order)
#include <algorithm>
#include <charconv>
#include <cstring>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "base/str_join.h"
#include "commands.h"
#include "io/file.h"
#include "output.h"
#include "tfcompat/base/status_macros.h"
#include "tfcompat/data/example.h"
#include "tfcompat/saved_model/saved_model.h"

namespace tfcompat::saved_model_tool {
namespace {

using nlohmann::json;

// A .npy file is refused past this size before it is read.
constexpr uint64_t kMaxNpyBytes = uint64_t{1} << 30;

// "a=1;b=2" -> {("a", "1"), ("b", "2")}.
StatusOr<std::vector<std::pair<std::string, std::string>>> SplitItems(const std::string& text, std::string_view flag) {
  std::vector<std::pair<std::string, std::string>> items;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find(';', start), text.size());
    const std::string item = text.substr(start, end - start);
    start = end + 1;
    if (item.find_first_not_of(" ") == std::string::npos) continue;
    const size_t equals = item.find('=');
    if (equals == std::string::npos || equals == 0) {
      return InvalidArgumentError(std::string(flag) + " \"" + item + "\" is not of the form <input_key>=<value>");
    }
    items.emplace_back(item.substr(0, equals), item.substr(equals + 1));
  }
  return items;
}

// JSON, or a Python literal whose strings are single-quoted.
StatusOr<json> ParseLiteral(const std::string& text, std::string_view what) {
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() && text.find('"') == std::string::npos) {
    std::string quoted = text;
    std::replace(quoted.begin(), quoted.end(), '\'', '"');
    parsed = json::parse(quoted, nullptr, /*allow_exceptions=*/false);
  }
  if (parsed.is_discarded()) return InvalidArgumentError(std::string(what) + ": cannot parse \"" + text + "\"");
  return parsed;
}

// The shape of a rectangular nested list and its leaves in row-major order.
Status Flatten(const json& value, size_t depth, TensorShape* shape, std::vector<const json*>* leaves,
               std::string_view what) {
  if (!value.is_array()) {
    if (depth != shape->size() && !leaves->empty()) return InvalidArgumentError(std::string(what) + ": ragged list");
    shape->resize(depth);
    leaves->push_back(&value);
    return OkStatus();
  }
  if (depth == shape->size() && leaves->empty()) shape->push_back(static_cast<int64_t>(value.size()));
  if (depth >= shape->size() || (*shape)[depth] != static_cast<int64_t>(value.size())) {
    return InvalidArgumentError(std::string(what) + ": ragged list");
  }
  for (const json& item : value) TFCOMPAT_RETURN_IF_ERROR(Flatten(item, depth + 1, shape, leaves, what));
  return OkStatus();
}

template <typename T>
StatusOr<Tensor> NumbersTensor(DataType dtype, TensorShape shape, const std::vector<const json*>& leaves,
                               std::string_view what) {
  std::vector<T> values;
  for (const json* leaf : leaves) {
    if (!leaf->is_number() && !leaf->is_boolean()) {
      return InvalidArgumentError(std::string(what) + ": " + leaf->dump() + " is not a number");
    }
    values.push_back(leaf->get<T>());
  }
  return Tensor::FromVector<T>(dtype, std::move(shape), values);
}

StatusOr<Tensor> TensorFromLiteral(const json& literal, DataType dtype, std::string_view what) {
  TensorShape shape;
  std::vector<const json*> leaves;
  TFCOMPAT_RETURN_IF_ERROR(Flatten(literal, 0, &shape, &leaves, what));
  switch (dtype) {
    case DataType::kFloat:
      return NumbersTensor<float>(dtype, std::move(shape), leaves, what);
    case DataType::kDouble:
      return NumbersTensor<double>(dtype, std::move(shape), leaves, what);
    case DataType::kInt32:
      return NumbersTensor<int32_t>(dtype, std::move(shape), leaves, what);
    case DataType::kInt64:
      return NumbersTensor<int64_t>(dtype, std::move(shape), leaves, what);
    case DataType::kString: {
      std::vector<std::string> values;
      for (const json* leaf : leaves) {
        if (!leaf->is_string())
          return InvalidArgumentError(std::string(what) + ": " + leaf->dump() + " is not a string");
        values.push_back(leaf->get<std::string>());
      }
      return Tensor::FromStrings(std::move(shape), std::move(values));
    }
    default:
      return UnimplementedError(std::string(what) + ": inputs of dtype " + std::string(DataTypeName(dtype)) +
                                " are not read from the command line");
  }
}

// A list of feature dicts as serialized tf.train.Examples.
StatusOr<Tensor> ExamplesFromLiteral(const json& literal, std::string_view what) {
  if (!literal.is_array()) return InvalidArgumentError(std::string(what) + ": expected a list of feature dicts");
  std::vector<std::string> records;
  for (const json& example : literal) {
    if (!example.is_object()) return InvalidArgumentError(std::string(what) + ": expected a list of feature dicts");
    std::map<std::string, data::FeatureValues> features;
    for (const auto& [name, values] : example.items()) {
      if (!values.is_array() || values.empty()) {
        return InvalidArgumentError(std::string(what) + ": feature '" + name + "' is not a non-empty list");
      }
      // saved_model_cli decides by the first value's type.
      if (values[0].is_number_float()) {
        features[name] = values.get<std::vector<float>>();
      } else if (values[0].is_number_integer()) {
        features[name] = values.get<std::vector<int64_t>>();
      } else if (values[0].is_string()) {
        features[name] = values.get<std::vector<std::string>>();
      } else {
        return InvalidArgumentError(std::string(what) + ": feature '" + name + "' holds neither numbers nor strings");
      }
    }
    records.push_back(data::SerializeExample(features));
  }
  const auto count = static_cast<int64_t>(records.size());
  return Tensor::FromStrings({count}, std::move(records));
}

// A .npy file (format 1.0-3.0): magic, version, header length, a Python
// dict literal with 'descr', 'fortran_order' and 'shape', then the data.
StatusOr<Tensor> ReadNpy(const std::string& path) {
  TFCOMPAT_ASSIGN_OR_RETURN(const std::string bytes, ReadFileToString(Env::Default(), path, kMaxNpyBytes));
  auto bad = [&](std::string_view why) {
    return DataLossError(path + ": not a NumPy .npy file we read (" + std::string(why) + ")");
  };
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) return bad("no \\x93NUMPY magic");
  const auto major = static_cast<unsigned char>(bytes[6]);
  size_t header_length = 0, header_start = 0;
  if (major == 1) {
    header_length = static_cast<unsigned char>(bytes[8]) | static_cast<unsigned char>(bytes[9]) << 8;
    header_start = 10;
  } else if (bytes.size() >= 12) {
    for (int i = 3; i >= 0; --i) header_length = header_length << 8 | static_cast<unsigned char>(bytes[8 + i]);
    header_start = 12;
  }
  if (header_start == 0 || header_length > bytes.size() - header_start) return bad("truncated header");
  const std::string header = bytes.substr(header_start, header_length);
  auto field = [&](std::string_view key) -> std::string {
    const size_t at = header.find("'" + std::string(key) + "'");
    if (at == std::string::npos) return "";
    const size_t colon = header.find(':', at);
    return colon == std::string::npos ? "" : header.substr(colon + 1);
  };
  const std::string descr = field("descr");
  static const std::pair<std::string_view, DataType> kTypes[] = {{"'<f4'", DataType::kFloat},
                                                                 {"'<f8'", DataType::kDouble},
                                                                 {"'<i4'", DataType::kInt32},
                                                                 {"'<i8'", DataType::kInt64}};
  DataType dtype = DataType::kInvalid;
  for (const auto& [name, type] : kTypes) {
    if (descr.find(name) != std::string::npos && descr.find(name) < descr.find(',')) dtype = type;
  }
  if (dtype == DataType::kInvalid) return bad("descr is not '<f4', '<f8', '<i4' or '<i8'");
  if (field("fortran_order").find("False") != field("fortran_order").find_first_not_of(' ')) {
    return bad("Fortran order");
  }
  const std::string shape_text = field("shape");
  const size_t open = shape_text.find('('), close = shape_text.find(')');
  if (open == std::string::npos || close == std::string::npos) return bad("no shape");
  TensorShape shape;
  for (size_t at = open + 1; at < close;) {
    while (at < close && (shape_text[at] == ' ' || shape_text[at] == ',')) ++at;
    if (at == close) break;
    int64_t dim = 0;
    const auto [end, error] = std::from_chars(shape_text.data() + at, shape_text.data() + close, dim);
    if (error != std::errc()) return bad("malformed shape");
    shape.push_back(dim);
    at = end - shape_text.data();
  }
  const std::string data = bytes.substr(header_start + header_length);
  StatusOr<Tensor> tensor = Tensor::FromBytes(dtype, std::move(shape), data);
  if (!tensor.ok()) return bad(tensor.status().message());
  return tensor;
}

// saved_model_cli's way of printing an array, simplified: nested lists,
// floats in their shortest round-trip form, strings as b'...'.
void PrintTensor(const Tensor& tensor, std::ostream& out) {
  const TensorShape& shape = tensor.shape();
  auto element = [&](int64_t i) -> std::string {
    if (tensor.dtype() == DataType::kString) return "b'" + tensor.strings()[i] + "'";
    if (tensor.dtype() == DataType::kFloat) {
      char buffer[32];
      const auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), tensor.flat<float>()[i]);
      return std::string(buffer, end);
    }
    const double value = tensor.ElementAsDouble(i);
    char buffer[32];
    const auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
    return std::string(buffer, end);
  };
  if (shape.empty()) {
    out << element(0) << "\n";
    return;
  }
  // block[d]: the elements one list at depth d holds.
  std::vector<int64_t> block(shape.size(), 1);
  for (size_t d = shape.size(); d-- > 0;) block[d] = shape[d] * (d + 1 < shape.size() ? block[d + 1] : 1);
  const auto rank = static_cast<int64_t>(shape.size());
  for (int64_t i = 0; i < tensor.num_elements(); ++i) {
    int64_t opens = 0, closes = 0;
    for (int64_t d = 0; d < rank; ++d) {
      opens += i % block[d] == 0 ? 1 : 0;
      closes += (i + 1) % block[d] == 0 ? 1 : 0;
    }
    out << std::string(opens, '[') << element(i) << std::string(closes, ']');
    if (i + 1 == tensor.num_elements()) break;
    // numpy: a space within the innermost list, a line per inner list
    // closed (a blank line between blocks of higher rank), indented to the
    // depth of the lists still open.
    if (closes == 0) {
      out << ' ';
    } else {
      out << std::string(closes > 1 ? 2 : 1, '\n') << std::string(rank - closes, ' ');
    }
  }
  if (tensor.num_elements() == 0) out << std::string(shape.size(), '[') << std::string(shape.size(), ']');
  out << "\n";
}

json TensorJson(const Tensor& tensor) {
  json values = json::array();
  for (int64_t i = 0; i < tensor.num_elements(); ++i) {
    if (tensor.dtype() == DataType::kString) {
      values.push_back(tensor.strings()[i]);
    } else if (tensor.dtype() == DataType::kFloat) {
      values.push_back(tensor.flat<float>()[i]);
    } else if (tensor.dtype() == DataType::kInt64) {
      values.push_back(tensor.flat<int64_t>()[i]);
    } else {
      values.push_back(tensor.ElementAsDouble(i));
    }
  }
  return {{"dtype", std::string(DataTypeName(tensor.dtype()))}, {"shape", tensor.shape()}, {"values", values}};
}

StatusOr<std::map<std::string, Tensor>> ReadInputs(const RunOptions& options, const SignatureInfo& signature) {
  std::map<std::string, Tensor> inputs;
  auto input_dtype = [&](const std::string& key) -> StatusOr<DataType> {
    const auto input = signature.inputs.find(key);
    if (input == signature.inputs.end()) {
      std::vector<std::string> keys;
      for (const auto& [name, unused] : signature.inputs) keys.push_back(name);
      return InvalidArgumentError("\"" + key + "\" is not a valid input key; the signature's are " +
                                  StrJoin(keys, ", "));
    }
    return input->second.dtype;
  };
  auto add = [&](const std::string& key, StatusOr<Tensor> tensor) -> Status {
    TFCOMPAT_RETURN_IF_ERROR(tensor.status());
    if (!inputs.emplace(key, *std::move(tensor)).second) {
      return InvalidArgumentError("input key \"" + key + "\" is given more than once");
    }
    return OkStatus();
  };
  TFCOMPAT_ASSIGN_OR_RETURN(const auto files, SplitItems(options.inputs, "--inputs"));
  for (const auto& [key, path] : files) {
    TFCOMPAT_RETURN_IF_ERROR(input_dtype(key).status());
    TFCOMPAT_RETURN_IF_ERROR(add(key, ReadNpy(path)));
  }
  TFCOMPAT_ASSIGN_OR_RETURN(const auto exprs, SplitItems(options.input_exprs, "--input_exprs"));
  for (const auto& [key, text] : exprs) {
    TFCOMPAT_ASSIGN_OR_RETURN(const DataType dtype, input_dtype(key));
    TFCOMPAT_ASSIGN_OR_RETURN(const json literal, ParseLiteral(text, "--input_exprs " + key));
    TFCOMPAT_RETURN_IF_ERROR(add(key, TensorFromLiteral(literal, dtype, "--input_exprs " + key)));
  }
  TFCOMPAT_ASSIGN_OR_RETURN(const auto examples, SplitItems(options.input_examples, "--input_examples"));
  for (const auto& [key, text] : examples) {
    TFCOMPAT_RETURN_IF_ERROR(input_dtype(key).status());
    TFCOMPAT_ASSIGN_OR_RETURN(const json literal, ParseLiteral(text, "--input_examples " + key));
    TFCOMPAT_RETURN_IF_ERROR(add(key, ExamplesFromLiteral(literal, "--input_examples " + key)));
  }
  return inputs;
}

}  // namespace

int RunRun(const RunOptions& options, std::ostream& out, std::ostream& err) {
  std::vector<std::string> tags;
  for (size_t start = 0; start <= options.tag_set.size();) {
    const size_t end = std::min(options.tag_set.find(',', start), options.tag_set.size());
    tags.push_back(options.tag_set.substr(start, end - start));
    start = end + 1;
  }
  StatusOr<std::unique_ptr<SavedModel>> model = SavedModel::Load(options.dir, tags);
  if (!model.ok()) return cli::ReportError(kTool, model.status(), err);
  const auto signature = (*model)->signatures().find(options.signature_def);
  if (signature == (*model)->signatures().end()) {
    return cli::ReportError(kTool, (*model)->Run(options.signature_def, {}).status(), err);
  }
  StatusOr<std::map<std::string, Tensor>> inputs = ReadInputs(options, signature->second);
  if (!inputs.ok()) return cli::ReportError(kTool, inputs.status(), err);
  StatusOr<std::map<std::string, Tensor>> outputs = (*model)->Run(options.signature_def, *inputs);
  if (!outputs.ok()) return cli::ReportError(kTool, outputs.status(), err);
  if (options.json) {
    json document = json::object();
    for (const auto& [key, tensor] : *outputs) document[key] = TensorJson(tensor);
    cli::PrintJson(out, document);
    return cli::kExitOk;
  }
  for (const auto& [key, tensor] : *outputs) {
    out << "Result for output key " << key << ":\n";
    PrintTensor(tensor, out);
  }
  return cli::kExitOk;
}

void SetupRun(CLI::App& app, cli::Action* action) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* sub = app.add_subcommand("run", "Run a signature on inputs and print its outputs (as saved_model_cli run)");
  sub->add_option("dir,--dir", options->dir, "SavedModel directory (holding saved_model.pb)")->required();
  sub->add_option("--tag_set", options->tag_set, "The meta graph's tags, comma-separated (serve)")->required();
  sub->add_option("--signature_def", options->signature_def, "The signature to run (serving_default)")->required();
  CLI::Option* inputs = sub->add_option("--inputs", options->inputs, "<input_key>=<file.npy>, items separated by ';'");
  CLI::Option* exprs = sub->add_option("--input_exprs", options->input_exprs,
                                       "<input_key>=<nested list literal>, items separated by ';'");
  CLI::Option* examples = sub->add_option("--input_examples", options->input_examples,
                                          "<input_key>=[{feature: [values]}, ...], items separated by ';'");
  cli::AddJsonFlag(sub, &options->json);
  sub->callback([options, action, inputs, exprs, examples] {
    if (inputs->count() + exprs->count() + examples->count() == 0) {
      throw CLI::ValidationError("at least one of --inputs, --input_exprs and --input_examples is required");
    }
    *action = [options](std::ostream& out, std::ostream& err) { return RunRun(*options, out, err); };
  });
}

}  // namespace tfcompat::saved_model_tool
