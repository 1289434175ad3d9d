// SPDX-License-Identifier: Apache-2.0
// Test driver for interop/test_example.py.
//
//   example_driver read SPEC_JSON OPTIONS_JSON FILE... > batches.json
//   example_driver write FILE COMPRESSION < examples.jsonl
//
// read streams TFRecord files of tf.train.Example through ExampleDataset
// and prints every batch as JSON. SPEC_JSON maps each key to {"type":
// "fixed", "shape": [..], "dtype": "float32"|"int64"|"string", "default":
// [flat values]} or {"type": "var", "dtype": ...}; OPTIONS_JSON holds
// compression ("", "ZLIB", "GZIP"), batch_size, shuffle_buffer_size, seed
// and num_epochs. The output is a list of batches, each mapping a dense key
// to {"shape", "values"} and a sparse key to {"indices", "values",
// "dense_shape"}; strings are hex.
// write writes one SerializeExample record per input line, a JSON object
// mapping each key to {"float": [..]}, {"int64": [..]} or {"bytes": [hex..]}.
// Exit 0 on success, 2 with "<what>: <status>" on stderr on error.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "driver_util.h"
#include "tfcompat/data/example_dataset.h"
#include "tfcompat/io/record_writer.h"

namespace {

using nlohmann::json;
using tfcompat::DataType;
using tfcompat::Tensor;
using tfcompat::interop::Check;
using tfcompat::interop::FromHex;
using tfcompat::interop::ToHex;
namespace data = tfcompat::data;

Tensor DefaultTensor(DataType dtype, const tfcompat::TensorShape& shape, const json& values) {
  if (dtype == DataType::kString)
    return Check(Tensor::FromStrings(shape, values.get<std::vector<std::string>>()), "default");
  if (dtype == DataType::kInt64) return Tensor::FromVector<int64_t>(dtype, shape, values.get<std::vector<int64_t>>());
  return Tensor::FromVector<float>(dtype, shape, values.get<std::vector<float>>());
}

data::ExampleSpec ParseSpec(const json& j) {
  data::ExampleSpec spec;
  for (const auto& [key, f] : j.items()) {
    const DataType dtype = Check(tfcompat::DataTypeFromName(f.at("dtype").get<std::string>()), "dtype");
    if (f.at("type") == "var") {
      spec[key] = data::VarLenFeature{.dtype = dtype};
      continue;
    }
    data::FixedLenFeature fixed{.shape = f.at("shape").get<tfcompat::TensorShape>(), .dtype = dtype};
    if (f.contains("default")) fixed.default_value = DefaultTensor(dtype, fixed.shape, f.at("default"));
    spec[key] = std::move(fixed);
  }
  return spec;
}

json Values(const Tensor& t) {
  if (t.dtype() == DataType::kString) {
    json out = json::array();
    for (const std::string& s : t.strings()) out.push_back(ToHex(s));
    return out;
  }
  if (t.dtype() == DataType::kInt64) {
    const auto v = t.flat<int64_t>();
    return std::vector<int64_t>(v.begin(), v.end());
  }
  const auto v = t.flat<float>();
  return std::vector<float>(v.begin(), v.end());
}

int Write(const std::string& path, const std::string& compression) {
  auto writer = Check(tfcompat::RecordWriter::Create(
                          path, {.compression = Check(tfcompat::ParseRecordCompression(compression), "compression")}),
                      "create");
  std::string line;
  while (std::getline(std::cin, line)) {
    std::map<std::string, data::FeatureValues> features;
    const json example = json::parse(line);
    for (const auto& [key, list] : example.items()) {
      if (list.contains("float")) {
        features[key] = list.at("float").get<std::vector<float>>();
      } else if (list.contains("int64")) {
        features[key] = list.at("int64").get<std::vector<int64_t>>();
      } else {
        std::vector<std::string> values;
        for (const std::string& hex : list.at("bytes").get<std::vector<std::string>>()) {
          if (!FromHex(hex, &values.emplace_back())) Check(tfcompat::InvalidArgumentError("bad hex"), "input");
        }
        features[key] = std::move(values);
      }
    }
    Check(writer->WriteRecord(data::SerializeExample(features)), "write");
  }
  Check(writer->Close(), "close");
  return 0;
}

int Read(const std::string& spec_json, const std::string& options_text, std::vector<std::string> files) {
  const json options_json = json::parse(options_text);
  data::ExampleDatasetOptions options;
  options.files = std::move(files);
  options.compression =
      Check(tfcompat::ParseRecordCompression(options_json.at("compression").get<std::string>()), "compression");
  options.batch_size = options_json.at("batch_size");
  options.shuffle_buffer_size = options_json.at("shuffle_buffer_size");
  options.seed = options_json.at("seed");
  options.num_epochs = options_json.at("num_epochs");
  auto dataset = Check(data::ExampleDataset::Open(options, ParseSpec(json::parse(spec_json))), "open");
  json batches = json::array();
  data::ParsedFeatures batch;
  tfcompat::Status s;
  while ((s = dataset->Next(&batch)).ok()) {
    json out;
    for (const auto& [key, t] : batch.dense) out[key] = {{"shape", t.shape()}, {"values", Values(t)}};
    for (const auto& [key, sp] : batch.sparse) {
      out[key] = {
          {"indices", Values(sp.indices)}, {"values", Values(sp.values)}, {"dense_shape", Values(sp.dense_shape)}};
    }
    batches.push_back(std::move(out));
  }
  if (s.code() != tfcompat::StatusCode::kOutOfRange) Check(s, "next");
  std::cout << batches.dump() << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "write" && argc == 4) return Write(argv[2], argv[3]);
  if (mode == "read" && argc >= 5) return Read(argv[2], argv[3], std::vector<std::string>(argv + 4, argv + argc));
  std::cerr << "usage: example_driver read SPEC_JSON OPTIONS_JSON FILE... | write FILE COMPRESSION\n";
  return 2;
}
