// SPDX-License-Identifier: Apache-2.0
// Pure encoders behind SummaryWriter (internal): the hand-encoded scalar
// event, histogram bucketing, PR-curve counts and WAV. No I/O.
#ifndef TFCOMPAT_SRC_SUMMARY_SUMMARY_ENCODING_H_
#define TFCOMPAT_SRC_SUMMARY_SUMMARY_ENCODING_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "io/coding.h"
#include "io/record_format.h"
#include "tfcompat/summary/summary_writer.h"

namespace tfcompat {

// Appends one framed TFRecord holding the Event that protobuf would
// serialize for {wall_time, step, summary {value {tag, simple_value}}},
// byte for byte (fields in number order, zero wall_time/step omitted as
// proto3 does):
//
//   09 <wall_time: f64 LE>              Event.wall_time      (1, fixed64)
//   10 <step: varint>                   Event.step           (2, varint)
//   2A <len> Summary:                   Event.summary        (5, bytes)
//     0A <len> Summary.Value:           Summary.value        (1, bytes)
//       0A <len> <tag>                  Value.tag            (1, bytes)
//       15 <value: f32 LE>              Value.simple_value   (2, fixed32)
//
// For a 4-byte tag and a small step the record is 16 + 26 = 42 bytes.
void AppendFramedScalarEvent(double wall_time, int64_t step, std::string_view tag, float value, std::string* dst);

// The most bytes a scalar event's record takes besides its tag: the
// framing, wall_time, and the step and three lengths as the longest varints
// after their field tags, and simple_value.
inline constexpr size_t kMaxFramedScalarEventOverhead =
    kRecordHeaderSize + kRecordFooterSize + 9 + 4 * (1 + kMaxVarint64Bytes) + 5;

// The same record written to `dst`, which has room for tag.size() +
// kMaxFramedScalarEventOverhead bytes, for callers that encode into a buffer
// of their own; returns its size.
size_t EncodeFramedScalarEvent(double wall_time, int64_t step, std::string_view tag, float value, char* dst);

// TF's default histogram bucket limits (tensorflow/core/lib/histogram):
// 0, +-1e-12 growing by 10% while below 1e20, and +-DBL_MAX, ascending.
const std::vector<double>& TfDefaultBucketLimits();

// The bucket of `x` among TfDefaultBucketLimits(): the index of the first
// limit greater than x (as std::upper_bound), the last bucket for larger x
// and for NaN. A table indexed by x's exponent and three leading mantissa
// bits gives a candidate two branch-free steps from the answer: ~2.5 ns
// instead of the binary search's ~22 ns (mispredicted branches), which made
// bucketing most of the cost of the Estimator's default activation
// histograms.
size_t TfDefaultBucketIndex(double x);

// TensorBoard's default histogram (tensorboard/plugins/histogram
// summary_v2 `_buckets`): `bucket_count` rows of (left, right, count),
// row-major. Empty input gives all-zero rows; a single distinct value v
// gives rows (v, v, 0) with the count in the last row; otherwise the edges
// are linspace(min, max, bucket_count + 1) and value x falls in bucket
// min(floor((x - min) / ((max - min) / bucket_count)), bucket_count - 1).
std::vector<double> TensorBoardHistogramBuckets(std::span<const double> values, int bucket_count);

// TensorBoard's pr_curve counts: 6 rows of `num_thresholds` floats (TP, FP,
// TN, FN, precision, recall), row-major. Prediction p falls in threshold
// bucket floor(p * (num_thresholds - 1)); counts are cumulated from the top
// bucket down; precision = TP / max(1e-7, TP + FP), recall = TP / max(1e-7,
// TP + FN).
std::vector<float> PrCurveCounts(std::span<const uint8_t> labels, std::span<const float> predictions,
                                 int num_thresholds);

// A canonical 44-byte-header RIFF/WAVE file of 16-bit PCM: each sample is
// clamped to [-1, 1], scaled by 32767 and rounded.
std::string EncodeWav(std::span<const float> samples, int channels, int sample_rate);

// Float pixels in [0, 1] to bytes: round(clamp(x, 0, 1) * 255).
std::vector<uint8_t> FloatPixelsToBytes(std::span<const float> pixels);

}  // namespace tfcompat

#endif  // TFCOMPAT_SRC_SUMMARY_SUMMARY_ENCODING_H_
