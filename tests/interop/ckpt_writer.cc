// SPDX-License-Identifier: Apache-2.0
// Test driver: writes a checkpoint described by a JSON file, so Python tests
// can have TensorFlow read exactly what they specified.
//
//   ckpt_writer SPEC.json
//
// SPEC: {"prefix": P, "max_shard_bytes": N}                 BundleWriter to P
//    or {"model_dir": D, "step": S, "keep_checkpoint_max": K}  CheckpointManager
//   plus "tensors": [{"name", "dtype" (numpy name), "shape",
//                     "hex" (element bytes) | "strings_hex" (one per element),
//                     optional "full_shape" + "slice": [[start, length], ...]}]
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "tfcompat/checkpoint/checkpoint.h"

namespace tfcompat {
namespace {

std::string Unhex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

StatusOr<Tensor> MakeTensor(const nlohmann::json& spec) {
  StatusOr<DataType> dtype = DataTypeFromName(spec.at("dtype").get<std::string>());
  if (!dtype.ok()) return dtype.status();
  TensorShape shape = spec.at("shape").get<TensorShape>();
  if (*dtype == DataType::kString) {
    std::vector<std::string> values;
    for (const auto& v : spec.at("strings_hex")) values.push_back(Unhex(v.get<std::string>()));
    return Tensor::FromStrings(std::move(shape), std::move(values));
  }
  return Tensor::FromBytes(*dtype, std::move(shape), Unhex(spec.at("hex").get<std::string>()));
}

Status AddAll(const nlohmann::json& tensors, BundleWriter& writer) {
  for (const auto& spec : tensors) {
    StatusOr<Tensor> tensor = MakeTensor(spec);
    if (!tensor.ok()) return tensor.status();
    const std::string name = spec.at("name").get<std::string>();
    if (spec.contains("slice")) {
      std::vector<BundleWriter::Extent> slice;
      for (const auto& e : spec["slice"]) slice.push_back({e.at(0).get<int64_t>(), e.at(1).get<int64_t>()});
      Status s = writer.AddSlice(name, spec.at("full_shape").get<TensorShape>(), slice, *tensor);
      if (!s.ok()) return s;
    } else {
      Status s = writer.Add(name, *tensor);
      if (!s.ok()) return s;
    }
  }
  return OkStatus();
}

int Main(const std::string& spec_path) {
  std::ifstream in(spec_path);
  const nlohmann::json spec = nlohmann::json::parse(in);
  if (spec.contains("model_dir")) {
    CheckpointManager::Options options;
    options.keep_checkpoint_max = spec.value("keep_checkpoint_max", 5);
    auto manager = CheckpointManager::Create(spec["model_dir"].get<std::string>(), options);
    if (!manager.ok()) {
      std::cerr << manager.status().ToString() << "\n";
      return 1;
    }
    auto prefix = (*manager)->Save(spec.at("step").get<int64_t>(),
                                   [&spec](BundleWriter& writer) { return AddAll(spec.at("tensors"), writer); });
    if (!prefix.ok()) {
      std::cerr << prefix.status().ToString() << "\n";
      return 1;
    }
    std::cout << *prefix << "\n";
    return 0;
  }
  BundleWriter::Options options;
  options.max_shard_bytes = spec.value("max_shard_bytes", uint64_t{0});
  auto writer = BundleWriter::Create(spec.at("prefix").get<std::string>(), options);
  Status s = writer.ok() ? AddAll(spec.at("tensors"), **writer) : writer.status();
  if (s.ok()) s = (*writer)->Finish();
  if (!s.ok()) {
    std::cerr << s.ToString() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace tfcompat

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: ckpt_writer SPEC.json\n";
    return 2;
  }
  return tfcompat::Main(argv[1]);
}
