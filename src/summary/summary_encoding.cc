// SPDX-License-Identifier: Apache-2.0
#include "summary/summary_encoding.h"

#include <algorithm>
#include <bit>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>

#include "io/coding.h"
#include "io/record_format.h"

namespace tfcompat {
namespace {

// Wire tags: (field_number << 3) | wire_type.
constexpr char kEventWallTime = 0x09;     // 1, fixed64
constexpr char kEventStep = 0x10;         // 2, varint
constexpr char kEventSummary = 0x2A;      // 5, length-delimited
constexpr char kSummaryValue = 0x0A;      // 1, length-delimited
constexpr char kValueTag = 0x0A;          // 1, length-delimited
constexpr char kValueSimpleValue = 0x15;  // 2, fixed32

// The lengths of the nested messages of a scalar event.
struct ScalarEventLayout {
  bool has_time;
  size_t value_len;
  size_t summary_len;
  size_t payload_len;
};

ScalarEventLayout LayScalarEvent(double wall_time, int64_t step, size_t tag_size) {
  ScalarEventLayout layout;
  layout.has_time = wall_time != 0.0 || std::signbit(wall_time);
  layout.value_len = 1 + VarintLength(tag_size) + tag_size + 1 + 4;
  layout.summary_len = 1 + VarintLength(layout.value_len) + layout.value_len;
  layout.payload_len = (layout.has_time ? 9 : 0) + (step != 0 ? 1 + VarintLength(static_cast<uint64_t>(step)) : 0) + 1 +
                       VarintLength(layout.summary_len) + layout.summary_len;
  return layout;
}

}  // namespace

size_t EncodeFramedScalarEvent(double wall_time, int64_t step, std::string_view tag, float value, char* dst) {
  const ScalarEventLayout layout = LayScalarEvent(wall_time, step, tag.size());
  char* const payload = dst + kRecordHeaderSize;
  char* p = payload;
  if (layout.has_time) {
    uint64_t bits;
    std::memcpy(&bits, &wall_time, sizeof(bits));
    *p++ = kEventWallTime;
    EncodeFixed64(p, bits);
    p += 8;
  }
  if (step != 0) {
    *p++ = kEventStep;
    p += EncodeVarint64(p, static_cast<uint64_t>(step));
  }
  *p++ = kEventSummary;
  p += EncodeVarint64(p, layout.summary_len);
  *p++ = kSummaryValue;
  p += EncodeVarint64(p, layout.value_len);
  *p++ = kValueTag;
  p += EncodeVarint64(p, tag.size());
  std::memcpy(p, tag.data(), tag.size());
  p += tag.size();
  *p++ = kValueSimpleValue;
  uint32_t value_bits;
  std::memcpy(&value_bits, &value, sizeof(value_bits));
  EncodeFixed32(p, value_bits);

  EncodeRecordHeader(layout.payload_len, dst);
  EncodeRecordFooter(std::string_view(payload, layout.payload_len), payload + layout.payload_len);
  return kRecordHeaderSize + layout.payload_len + kRecordFooterSize;
}

void AppendFramedScalarEvent(double wall_time, int64_t step, std::string_view tag, float value, std::string* dst) {
  const size_t start = dst->size();
  dst->resize(start + tag.size() + kMaxFramedScalarEventOverhead);
  dst->resize(start + EncodeFramedScalarEvent(wall_time, step, tag, value, dst->data() + start));
}

std::vector<double> TensorBoardHistogramBuckets(std::span<const double> values, int bucket_count) {
  const size_t k = static_cast<size_t>(std::max(bucket_count, 0));
  std::vector<double> rows(3 * k, 0.0);
  if (k == 0 || values.empty()) return rows;
  const auto [min_it, max_it] = std::minmax_element(values.begin(), values.end());
  const double min = *min_it, max = *max_it, range = max - min;
  if (range == 0) {
    for (size_t i = 0; i < k; ++i) rows[3 * i] = rows[3 * i + 1] = min;
    rows[3 * (k - 1) + 2] = static_cast<double>(values.size());
    return rows;
  }
  const double width = range / static_cast<double>(k);
  for (double x : values) {
    const double index = std::floor((x - min) / width);
    const size_t bucket = index >= static_cast<double>(k - 1) ? k - 1 : static_cast<size_t>(index);
    rows[3 * bucket + 2] += 1;
  }
  for (size_t i = 0; i < k; ++i) {
    rows[3 * i] = static_cast<double>(i) * width + min;
    rows[3 * i + 1] = i + 1 == k ? max : static_cast<double>(i + 1) * width + min;
  }
  return rows;
}

const std::vector<double>& TfDefaultBucketLimits() {
  static const std::vector<double> limits = [] {
    std::vector<double> positive;
    for (double v = 1e-12; v < 1e20; v *= 1.1) positive.push_back(v);
    positive.push_back(DBL_MAX);
    std::vector<double> all;
    all.reserve(2 * positive.size() + 1);
    for (auto it = positive.rbegin(); it != positive.rend(); ++it) all.push_back(-*it);
    all.push_back(0.0);
    all.insert(all.end(), positive.begin(), positive.end());
    return all;
  }();
  return limits;
}

namespace {

// The limits are -p[P-1] .. -p[0], 0, p[0] .. p[P-1] (p ascending, P of them),
// so a bucket index follows from where |x| falls among the positive limits p.
// Positive doubles order as their bit patterns, so the top bits of |x| name a
// cell of magnitudes: the exponent and three mantissa bits, a cell spanning a
// factor of at most 1.125 < 1.1^2 (mantissas 1 to 1.125), and so holding at
// most two limits.
// first_at_least[cell] is the first p at or above the cell's smallest
// magnitude; two steps from there find |x|'s place, without branches (a
// histogram's values are in no order a branch predictor could learn).
constexpr int kCellShift = 52 - 3;
constexpr size_t kCells = size_t{1} << (64 - 1 - kCellShift);

struct PositiveLimits {
  size_t count;                          // P
  std::vector<double> p;                 // P limits, then two +inf for the steps
  std::vector<uint16_t> first_at_least;  // [kCells]
};

const PositiveLimits& TfPositiveLimits() {
  static const PositiveLimits limits = [] {
    const std::vector<double>& all = TfDefaultBucketLimits();
    PositiveLimits l;
    l.p.assign(all.begin() + static_cast<ptrdiff_t>(all.size() / 2) + 1, all.end());
    l.count = l.p.size();
    l.first_at_least.resize(kCells);
    for (size_t cell = 0; cell < kCells; ++cell) {
      const double smallest = std::bit_cast<double>(static_cast<uint64_t>(cell) << kCellShift);
      l.first_at_least[cell] = static_cast<uint16_t>(std::lower_bound(l.p.begin(), l.p.end(), smallest) - l.p.begin());
    }
    l.p.resize(l.count + 2, std::numeric_limits<double>::infinity());
    return l;
  }();
  return limits;
}

}  // namespace

size_t TfDefaultBucketIndex(double x) {
  const PositiveLimits& limits = TfPositiveLimits();
  const size_t count = limits.count;  // all limits: 2 count + 1, 0 at index count
  const double* const p = limits.p.data();
  const double magnitude = std::abs(x);
  if (!(magnitude <= DBL_MAX)) return x < 0 ? 0 : 2 * count;  // -inf; +inf and NaN
  size_t j = limits.first_at_least[std::bit_cast<uint64_t>(magnitude) >> kCellShift];
  if (x >= 0) {  // and -0.0, which equals 0
    j += p[j] <= magnitude;
    j += p[j] <= magnitude;  // j: the first p above x
    return std::min(count + 1 + j, 2 * count);
  }
  // The first limit above a negative x is -p[j - 1], p[j] being the first p
  // at or above |x|; or 0 when no p lies below |x| (j == 0).
  j += p[j] < magnitude;
  j += p[j] < magnitude;
  return count - j;
}

HistogramData HistogramData::FromValues(std::span<const double> values) {
  const std::vector<double>& limits = TfDefaultBucketLimits();
  std::vector<double> counts(limits.size(), 0.0);
  HistogramData h;
  h.min = DBL_MAX;
  h.max = -DBL_MAX;
  for (double x : values) {
    // Bucket i holds limits[i-1] <= x < limits[i], as TF's Histogram::Add.
    counts[TfDefaultBucketIndex(x)] += 1;
    h.min = std::min(h.min, x);
    h.max = std::max(h.max, x);
    h.num += 1;
    h.sum += x;
    h.sum_squares += x * x;
  }
  // Each run of empty buckets becomes one empty bucket ending where the run
  // ends (TF's EncodeToProto with preserve_zero_buckets = false).
  for (size_t i = 0; i < limits.size();) {
    double end = limits[i];
    const double count = counts[i];
    ++i;
    if (count <= 0) {
      while (i < limits.size() && counts[i] <= 0) end = limits[i++];
    }
    h.bucket_limits.push_back(end);
    h.bucket_counts.push_back(count);
  }
  return h;
}

std::vector<float> PrCurveCounts(std::span<const uint8_t> labels, std::span<const float> predictions,
                                 int num_thresholds) {
  const size_t t = static_cast<size_t>(num_thresholds);
  std::vector<double> tp(t, 0.0), fp(t, 0.0);
  for (size_t i = 0; i < predictions.size(); ++i) {
    const double p = std::clamp(static_cast<double>(predictions[i]), 0.0, 1.0);
    const size_t b = static_cast<size_t>(std::floor(p * static_cast<double>(t - 1)));
    (labels[i] ? tp : fp)[b] += 1;
  }
  for (size_t i = t - 1; i-- > 0;) {
    tp[i] += tp[i + 1];
    fp[i] += fp[i + 1];
  }
  std::vector<float> rows(6 * t);
  for (size_t i = 0; i < t; ++i) {
    const double tn = fp[0] - fp[i], fn = tp[0] - tp[i];
    rows[i] = static_cast<float>(tp[i]);
    rows[t + i] = static_cast<float>(fp[i]);
    rows[2 * t + i] = static_cast<float>(tn);
    rows[3 * t + i] = static_cast<float>(fn);
    rows[4 * t + i] = static_cast<float>(tp[i] / std::max(1e-7, tp[i] + fp[i]));
    rows[5 * t + i] = static_cast<float>(tp[i] / std::max(1e-7, tp[i] + fn));
  }
  return rows;
}

// Layout of the WAV file (all little-endian):
//   "RIFF" <u32 36 + data bytes> "WAVE"
//   "fmt " <u32 16> <u16 1 = PCM> <u16 channels> <u32 sample_rate>
//          <u32 byte_rate> <u16 block_align> <u16 16 bits>
//   "data" <u32 data bytes> <int16 samples, interleaved>
std::string EncodeWav(std::span<const float> samples, int channels, int sample_rate) {
  const uint32_t data_bytes = static_cast<uint32_t>(samples.size() * 2);
  const uint16_t block_align = static_cast<uint16_t>(channels * 2);
  std::string wav;
  wav.reserve(44 + data_bytes);
  const auto put16 = [&wav](uint16_t v) {
    wav.push_back(static_cast<char>(v & 0xff));
    wav.push_back(static_cast<char>(v >> 8));
  };
  wav += "RIFF";
  PutFixed32(&wav, 36 + data_bytes);
  wav += "WAVEfmt ";
  PutFixed32(&wav, 16);
  put16(1);
  put16(static_cast<uint16_t>(channels));
  PutFixed32(&wav, static_cast<uint32_t>(sample_rate));
  PutFixed32(&wav, static_cast<uint32_t>(sample_rate) * block_align);
  put16(block_align);
  put16(16);
  wav += "data";
  PutFixed32(&wav, data_bytes);
  for (float x : samples) {
    const float clamped = std::isnan(x) ? 0.0f : std::clamp(x, -1.0f, 1.0f);
    put16(static_cast<uint16_t>(static_cast<int16_t>(std::lround(clamped * 32767.0f))));
  }
  return wav;
}

std::vector<uint8_t> FloatPixelsToBytes(std::span<const float> pixels) {
  std::vector<uint8_t> bytes(pixels.size());
  for (size_t i = 0; i < pixels.size(); ++i) {
    const float x = std::isnan(pixels[i]) ? 0.0f : std::clamp(pixels[i], 0.0f, 1.0f);
    bytes[i] = static_cast<uint8_t>(std::lround(x * 255.0f));
  }
  return bytes;
}

}  // namespace tfcompat
