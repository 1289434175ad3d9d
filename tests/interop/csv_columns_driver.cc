// SPDX-License-Identifier: Apache-2.0
// Test driver for interop/test_csv_columns.py.
//
//   csv_columns_driver OPTIONS_JSON FILE > columns.json
//
// Reads FILE with ReadCsvColumns. OPTIONS_JSON holds "record_defaults", a
// list of {"dtype": "float32"|"float64"|"int32"|"int64"|"string",
// "default": value} ({"dtype"} alone is a required column), and optionally
// "na_value", "select_cols", "header", "column_names", "field_delim" and
// "use_quote_delim". The output maps each column name to {"dtype",
// "shape", "values"}: float32 and float64 values as the bits of their IEEE
// encoding (so that NaN and -0 compare exactly), integers as numbers,
// strings as hex. Exit 0 on success, 2 with "read: <status>" on stderr on
// error.
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "driver_util.h"
#include "tfcompat/data/csv_columns.h"

namespace {

using nlohmann::json;
using tfcompat::DataType;
using tfcompat::Tensor;
using tfcompat::interop::Check;
using tfcompat::interop::ToHex;
namespace data = tfcompat::data;

data::CsvColumn Column(const json& j) {
  const DataType dtype = Check(tfcompat::DataTypeFromName(j.at("dtype").get<std::string>()), "dtype");
  if (!j.contains("default")) return data::CsvColumn::Required(dtype);
  const json& value = j.at("default");
  switch (dtype) {
    case DataType::kFloat:
      return data::CsvColumn::Float(value.get<float>());
    case DataType::kDouble:
      return data::CsvColumn::Double(value.get<double>());
    case DataType::kInt32:
      return data::CsvColumn::Int32(value.get<int32_t>());
    case DataType::kInt64:
      return data::CsvColumn::Int64(value.get<int64_t>());
    default:
      return data::CsvColumn::String(value.get<std::string>());
  }
}

// The bits of each element of a fixed-width tensor, as unsigned integers.
template <typename Bits>
json ElementBits(const Tensor& t) {
  json out = json::array();
  const std::string_view bytes = t.bytes();
  for (size_t i = 0; i + sizeof(Bits) <= bytes.size(); i += sizeof(Bits)) {
    Bits bits;
    std::memcpy(&bits, bytes.data() + i, sizeof(Bits));
    out.push_back(bits);
  }
  return out;
}

json Values(const Tensor& t) {
  switch (t.dtype()) {
    case DataType::kString: {
      json out = json::array();
      for (const std::string& s : t.strings()) out.push_back(ToHex(s));
      return out;
    }
    case DataType::kFloat:
      return ElementBits<uint32_t>(t);
    case DataType::kDouble:
      return ElementBits<uint64_t>(t);
    case DataType::kInt32: {
      const auto v = t.flat<int32_t>();
      return std::vector<int32_t>(v.begin(), v.end());
    }
    default: {
      const auto v = t.flat<int64_t>();
      return std::vector<int64_t>(v.begin(), v.end());
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: csv_columns_driver OPTIONS_JSON FILE\n";
    return 2;
  }
  const json j = json::parse(argv[1]);
  data::CsvColumnsOptions options;
  for (const json& column : j.at("record_defaults")) options.record_defaults.push_back(Column(column));
  options.na_value = j.value("na_value", "");
  options.select_cols = j.value("select_cols", std::vector<int64_t>{});
  options.column_names = j.value("column_names", std::vector<std::string>{});
  options.header = j.value("header", false);
  options.field_delim = j.value("field_delim", std::string(",")).at(0);
  options.use_quote_delim = j.value("use_quote_delim", true);
  const data::ParsedFeatures parsed = Check(data::ReadCsvColumns(argv[2], options), "read");
  json out = json::object();
  for (const auto& [name, t] : parsed.dense) {
    out[name] = {{"dtype", tfcompat::DataTypeName(t.dtype())}, {"shape", t.shape()}, {"values", Values(t)}};
  }
  std::cout << out.dump() << "\n";
  return 0;
}
