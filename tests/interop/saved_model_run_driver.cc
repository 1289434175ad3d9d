// SPDX-License-Identifier: Apache-2.0
// Test driver for interop/test_saved_model_run.py.
//
//   saved_model_run_driver DIR TAG[,TAG...] SIGNATURE < inputs.json > outputs.json
//
// Loads the SavedModel DIR with SavedModel::Load and runs SIGNATURE once on
// the inputs, a JSON object mapping each input key to {"dtype": "float32" |
// "int32" | "int64" | "string", "shape": [..], "values": [flat values]}
// (strings as hex). Prints the outputs, one object mapping each output key
// to the same form. Exit 0 on success, 2 with "<what>: <status>" on stderr on
// error.
#include <cstdint>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "driver_util.h"
#include "tfcompat/saved_model/saved_model.h"

namespace {

using nlohmann::json;
using tfcompat::DataType;
using tfcompat::Tensor;
using tfcompat::interop::Check;
using tfcompat::interop::FromHex;
using tfcompat::interop::ToHex;

Tensor FromJson(const json& j) {
  const DataType dtype = Check(tfcompat::DataTypeFromName(j.at("dtype").get<std::string>()), "dtype");
  const auto shape = j.at("shape").get<tfcompat::TensorShape>();
  switch (dtype) {
    case DataType::kFloat:
      return Tensor::FromVector<float>(dtype, shape, j.at("values").get<std::vector<float>>());
    case DataType::kInt32:
      return Tensor::FromVector<int32_t>(dtype, shape, j.at("values").get<std::vector<int32_t>>());
    case DataType::kInt64:
      return Tensor::FromVector<int64_t>(dtype, shape, j.at("values").get<std::vector<int64_t>>());
    case DataType::kString: {
      std::vector<std::string> values;
      for (const std::string& hex : j.at("values").get<std::vector<std::string>>()) {
        if (!FromHex(hex, &values.emplace_back())) Check(tfcompat::InvalidArgumentError("bad hex"), "input");
      }
      return Check(Tensor::FromStrings(shape, std::move(values)), "input");
    }
    default:
      Check(tfcompat::InvalidArgumentError("unsupported dtype"), "input");
      return {};
  }
}

json ToJson(const Tensor& t) {
  json out = {{"dtype", std::string(tfcompat::DataTypeName(t.dtype()))}, {"shape", t.shape()}};
  if (t.dtype() == DataType::kString) {
    json values = json::array();
    for (const std::string& s : t.strings()) values.push_back(ToHex(s));
    out["values"] = std::move(values);
  } else if (t.dtype() == DataType::kFloat) {
    const auto v = t.flat<float>();
    out["values"] = std::vector<float>(v.begin(), v.end());
  } else if (t.dtype() == DataType::kInt32) {
    const auto v = t.flat<int32_t>();
    out["values"] = std::vector<int32_t>(v.begin(), v.end());
  } else {
    const auto v = t.flat<int64_t>();
    out["values"] = std::vector<int64_t>(v.begin(), v.end());
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: saved_model_run_driver DIR TAG[,TAG...] SIGNATURE < inputs.json\n";
    return 1;
  }
  std::vector<std::string> tags;
  std::stringstream tag_list(argv[2]);
  for (std::string tag; std::getline(tag_list, tag, ',');) tags.push_back(tag);
  const auto model = Check(tfcompat::SavedModel::Load(argv[1], tags), "load");
  std::map<std::string, Tensor> inputs;
  const json input_json = json::parse(std::cin);
  for (const auto& [key, value] : input_json.items()) inputs[key] = FromJson(value);
  const auto outputs = Check(model->Run(argv[3], inputs), "run");
  json result = json::object();
  for (const auto& [key, tensor] : outputs) result[key] = ToJson(tensor);
  std::cout << result.dump() << "\n";
  return 0;
}
