// SPDX-License-Identifier: Apache-2.0
#include "common.h"

#include <cmath>
#include <complex>
#include <cstring>

#include "number_format.h"
#include "tfcompat/checkpoint/checkpoint.h"
#include "tfcompat/saved_model/saved_model_reader.h"

namespace tfcompat::ckpt_tool {
namespace {

template <typename T>
T Load(const Tensor& tensor, int64_t i) {
  T value;
  std::memcpy(&value, tensor.bytes().data() + static_cast<size_t>(i) * sizeof(T), sizeof(T));
  return value;
}

bool IsSinglePrecision(DataType dtype) {
  return dtype == DataType::kFloat || dtype == DataType::kHalf || dtype == DataType::kBFloat16 ||
         dtype == DataType::kComplex64;
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<uint8_t>(s[i]);
    const size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<uint8_t>(s[i + k]) >> 6) != 0x2) return false;
    }
    i += n;
  }
  return true;
}

std::string Hex(std::string_view s) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : s) {
    out.push_back(kDigits[static_cast<uint8_t>(c) >> 4]);
    out.push_back(kDigits[static_cast<uint8_t>(c) & 0xf]);
  }
  return out;
}

// Python's complex repr, "(1+2j)", with number_format.h's numbers.
template <typename T>
std::string ComplexText(std::complex<T> c) {
  const std::string imag = cli::FormatNumber(c.imag());
  std::string text = "(";  // appended: GCC 12 warns (-Wrestrict) on a chain of +
  text += cli::FormatNumber(c.real());
  if (imag.front() != '-') text += "+";
  text += imag;
  text += "j)";
  return text;
}

bool IsFloatingPoint(DataType dtype) {
  return dtype == DataType::kFloat || dtype == DataType::kDouble || dtype == DataType::kHalf ||
         dtype == DataType::kBFloat16;
}

}  // namespace

StatusOr<std::unique_ptr<BundleReader>> OpenCheckpoint(const std::string& path) {
  StatusOr<std::string> prefix = ResolveCheckpointPath(path);
  if (!prefix.ok()) return prefix.status();
  return BundleReader::Open(*prefix);
}

nlohmann::json ValueJson(DataType dtype, double value) {
  return IsSinglePrecision(dtype) ? cli::NumberJson(static_cast<float>(value)) : cli::NumberJson(value);
}

std::string ValueText(DataType dtype, double value) {
  return IsSinglePrecision(dtype) ? cli::FormatNumber(static_cast<float>(value)) : cli::FormatNumber(value);
}

nlohmann::json ShapeJson(const TensorShape& shape) {
  nlohmann::json out = nlohmann::json::array();
  for (int64_t d : shape) out.push_back(d);
  return out;
}

nlohmann::json ElementJson(const Tensor& tensor, int64_t i) {
  switch (tensor.dtype()) {
    case DataType::kString: {
      const std::string& s = tensor.strings()[static_cast<size_t>(i)];
      if (IsValidUtf8(s)) return s;
      return nlohmann::json{{"hex", Hex(s)}};
    }
    case DataType::kBool:
      return Load<uint8_t>(tensor, i) != 0;
    case DataType::kInt8:
    case DataType::kQInt8:
      return Load<int8_t>(tensor, i);
    case DataType::kUInt8:
    case DataType::kQUInt8:
      return Load<uint8_t>(tensor, i);
    case DataType::kInt16:
    case DataType::kQInt16:
      return Load<int16_t>(tensor, i);
    case DataType::kUInt16:
    case DataType::kQUInt16:
      return Load<uint16_t>(tensor, i);
    case DataType::kInt32:
    case DataType::kQInt32:
      return Load<int32_t>(tensor, i);
    case DataType::kUInt32:
      return Load<uint32_t>(tensor, i);
    case DataType::kInt64:
      return Load<int64_t>(tensor, i);
    case DataType::kUInt64:
      return Load<uint64_t>(tensor, i);
    case DataType::kComplex64: {
      const auto c = Load<std::complex<float>>(tensor, i);
      return nlohmann::json::array({cli::NumberJson(c.real()), cli::NumberJson(c.imag())});
    }
    case DataType::kComplex128: {
      const auto c = Load<std::complex<double>>(tensor, i);
      return nlohmann::json::array({cli::NumberJson(c.real()), cli::NumberJson(c.imag())});
    }
    default:
      return ValueJson(tensor.dtype(), tensor.ElementAsDouble(i));
  }
}

std::string ElementText(const Tensor& tensor, int64_t i) {
  if (tensor.dtype() == DataType::kString) {
    nlohmann::json j = ElementJson(tensor, i);
    if (j.is_string()) return j.dump();
    std::string text = "0x";
    text.append(j["hex"].get<std::string>());
    return text;
  }
  if (tensor.dtype() == DataType::kBool) return Load<uint8_t>(tensor, i) ? "True" : "False";
  if (tensor.dtype() == DataType::kComplex64) return ComplexText(Load<std::complex<float>>(tensor, i));
  if (tensor.dtype() == DataType::kComplex128) return ComplexText(Load<std::complex<double>>(tensor, i));
  if (IsFloatingPoint(tensor.dtype())) return ValueText(tensor.dtype(), tensor.ElementAsDouble(i));
  const nlohmann::json j = ElementJson(tensor, i);
  return j.is_string() ? j.get<std::string>() : j.dump();
}

Stats ComputeStats(const Tensor& tensor) {
  Stats stats;
  double sum = 0, sum_sq = 0;
  for (int64_t i = 0; i < tensor.num_elements(); ++i) {
    const double v = tensor.ElementAsDouble(i);
    if (std::isnan(v)) {
      ++stats.nan;
    } else if (std::isinf(v)) {
      ++stats.inf;
    } else {
      if (stats.finite == 0 || v < stats.min) stats.min = v;
      if (stats.finite == 0 || v > stats.max) stats.max = v;
      ++stats.finite;
      sum += v;
      sum_sq += v * v;
    }
  }
  if (stats.finite > 0) {
    stats.mean = sum / static_cast<double>(stats.finite);
    stats.std = std::sqrt(std::max(0.0, sum_sq / static_cast<double>(stats.finite) - stats.mean * stats.mean));
  }
  return stats;
}

}  // namespace tfcompat::ckpt_tool
