// SPDX-License-Identifier: Apache-2.0
// Known-answer tests of the pure encoders behind SummaryWriter.
#include "summary/summary_encoding.h"

#include <png.h>

#include <algorithm>
#include <bit>
#include <boost/test/unit_test.hpp>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "io/record_format.h"
#include "summary/event_file_writer.h"
#include "summary/png_encoder.h"
#include "tfcompat/tensorflow/event.pb.h"
#include "util/test_print.h"

namespace tfcompat {
namespace {

std::string Hex(std::string_view s) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string ProtobufScalarRecord(double wall_time, int64_t step, const std::string& tag, float value) {
  tensorflow::Event event;
  event.set_wall_time(wall_time);
  event.set_step(step);
  auto* v = event.mutable_summary()->add_value();
  v->set_tag(tag);
  v->set_simple_value(value);
  std::string record;
  AppendRecord(event.SerializeAsString(), &record);
  return record;
}

BOOST_AUTO_TEST_SUITE(SummaryEncodingTest)

BOOST_AUTO_TEST_CASE(ScalarEventHasTfsExactBytes) {
  std::string record;
  AppendFramedScalarEvent(1599759586.0, 5, "loss", 0.5f, &record);
  // 42 bytes: 12 header + 26 payload + 4 footer, as TF writes a short tag.
  BOOST_TEST(record.size() == 42u);
  const std::string payload = record.substr(kRecordHeaderSize, 26);
  // clang-format off
  BOOST_TEST(Hex(payload) ==
             "09" "00008038" "99d6d741"  // wall_time 1599759586.0
             "1005"                      // step 5
             "2a0d" "0a0b" "0a046c6f7373" "150000003f");  // summary{value{tag "loss", simple_value 0.5}}
  // clang-format on
  BOOST_TEST(record == ProtobufScalarRecord(1599759586.0, 5, "loss", 0.5f));
}

BOOST_AUTO_TEST_CASE(ScalarEventMatchesProtobufEverywhere) {
  const int64_t steps[] = {
      0, 1, 127, 128, 1 << 20, -1, std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min()};
  const size_t tag_lengths[] = {1, 4, 100, 115, 116, 127, 128, 300, 20000};
  const float values[] = {0.0f, -0.0f, 1.5f, std::numeric_limits<float>::quiet_NaN(),
                          std::numeric_limits<float>::infinity()};
  for (int64_t step : steps) {
    for (size_t n : tag_lengths) {
      for (float value : values) {
        std::string ours;
        AppendFramedScalarEvent(1764100800.123456, step, std::string(n, 't'), value, &ours);
        BOOST_TEST(ours == ProtobufScalarRecord(1764100800.123456, step, std::string(n, 't'), value),
                   "step " << step << " tag length " << n << " value " << value);
        BOOST_TEST(ours.size() <= n + kMaxFramedScalarEventOverhead);
      }
    }
  }
  std::string zero_time;
  AppendFramedScalarEvent(0.0, 3, "a", 1.0f, &zero_time);
  BOOST_TEST(zero_time == ProtobufScalarRecord(0.0, 3, "a", 1.0f));
}

BOOST_AUTO_TEST_CASE(ScalarEventAppendsAfterExistingBytes) {
  std::string buffer = "prefix";
  AppendFramedScalarEvent(2.0, 1, "x", 1.0f, &buffer);
  BOOST_TEST(buffer == "prefix" + ProtobufScalarRecord(2.0, 1, "x", 1.0f));
}

BOOST_AUTO_TEST_CASE(EventFileNameFollowsTfsPattern) {
  BOOST_TEST(EventFileName(1764100800, "host", 4242, 7, ".v2") == "events.out.tfevents.1764100800.host.4242.7.v2");
  BOOST_TEST(EventFileName(12, "h", 1, 0, "") == "events.out.tfevents.0000000012.h.1.0");
}

BOOST_AUTO_TEST_CASE(TensorBoardBucketsSpreadEvenly) {
  const std::vector<double> values = {0, 1, 2, 3};
  const std::vector<double> rows = TensorBoardHistogramBuckets(values, 2);
  BOOST_TEST(rows == (std::vector<double>{0, 1.5, 2, 1.5, 3, 2}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(TensorBoardBucketsMaximumGoesToLastBucket) {
  const std::vector<double> values = {-1, 0.999, 2};
  const std::vector<double> rows = TensorBoardHistogramBuckets(values, 3);
  BOOST_TEST(rows == (std::vector<double>{-1, 0, 1, 0, 1, 1, 1, 2, 1}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(TensorBoardBucketsOfEqualValuesFillTheLastAndOfNoneAreZero) {
  const std::vector<double> same = {2.5, 2.5, 2.5};
  BOOST_TEST(TensorBoardHistogramBuckets(same, 2) == (std::vector<double>{2.5, 2.5, 0, 2.5, 2.5, 3}),
             boost::test_tools::per_element());
  BOOST_TEST(TensorBoardHistogramBuckets({}, 2) == std::vector<double>(6, 0.0), boost::test_tools::per_element());
}

// The reference: the binary search TF's Histogram::Add does.
size_t UpperBoundBucket(double x) {
  const std::vector<double>& limits = TfDefaultBucketLimits();
  const size_t b = static_cast<size_t>(std::upper_bound(limits.begin(), limits.end(), x) - limits.begin());
  return std::min(b, limits.size() - 1);
}

BOOST_AUTO_TEST_CASE(TfDefaultBucketIndexIsTheBinarySearch) {
  const std::vector<double>& limits = TfDefaultBucketLimits();
  BOOST_TEST(limits.size() % 2 == 1u);
  BOOST_TEST(limits[limits.size() / 2] == 0.0);
  std::vector<double> xs = {0.0,
                            -0.0,
                            std::numeric_limits<double>::infinity(),
                            -std::numeric_limits<double>::infinity(),
                            std::numeric_limits<double>::quiet_NaN(),
                            -std::numeric_limits<double>::quiet_NaN(),
                            std::numeric_limits<double>::denorm_min(),
                            -std::numeric_limits<double>::denorm_min(),
                            DBL_MIN,
                            -DBL_MIN};
  // Every limit, its neighbours, and the midpoints between limits.
  for (size_t i = 0; i < limits.size(); ++i) {
    xs.push_back(limits[i]);
    xs.push_back(std::nextafter(limits[i], -DBL_MAX));
    xs.push_back(std::nextafter(limits[i], DBL_MAX));
    if (i + 1 < limits.size()) xs.push_back(limits[i] / 2 + limits[i + 1] / 2);
  }
  // Magnitudes across the whole double range, both signs.
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200000; ++i) {
    const uint64_t bits = rng();
    const double x = std::bit_cast<double>(bits);
    if (!std::isnan(x)) xs.push_back(x);
  }
  std::uniform_real_distribution<double> activation(-10.0, 10.0);
  for (int i = 0; i < 100000; ++i) xs.push_back(activation(rng));
  size_t mismatches = 0;
  for (double x : xs) {
    if (TfDefaultBucketIndex(x) != UpperBoundBucket(x)) {
      if (++mismatches <= 5)
        BOOST_ERROR("x = " << x << ": " << TfDefaultBucketIndex(x) << " vs " << UpperBoundBucket(x));
    }
  }
  BOOST_TEST(mismatches == 0u, mismatches << " of " << xs.size() << " values in another bucket");
}

BOOST_AUTO_TEST_CASE(TfDefaultHistogramHasTheValuesStatistics) {
  const std::vector<double> values = {-2.0, 0.0, 1.0, 1.0, 3.5};
  const HistogramData h = HistogramData::FromValues(values);
  BOOST_TEST(h.min == -2.0);
  BOOST_TEST(h.max == 3.5);
  BOOST_TEST(h.num == 5.0);
  BOOST_TEST(h.sum == 3.5);
  BOOST_TEST(h.sum_squares == 4.0 + 0.0 + 1.0 + 1.0 + 12.25);
  double total = 0;
  for (double c : h.bucket_counts) total += c;
  BOOST_TEST(total == 5.0);
  BOOST_TEST(h.bucket_limits.back() == DBL_MAX);
  // Runs of empty buckets are collapsed: never two empty buckets in a row.
  for (size_t i = 1; i < h.bucket_counts.size(); ++i) {
    BOOST_TEST(!(h.bucket_counts[i - 1] == 0 && h.bucket_counts[i] == 0));
  }
  // Each value lies in its bucket: limit[i-1] <= x < limit[i].
  for (double x : values) {
    size_t i = 0;
    while (!(x < h.bucket_limits[i])) ++i;
    BOOST_TEST(h.bucket_counts[i] > 0);
    BOOST_TEST((i == 0 || h.bucket_limits[i - 1] <= x));
  }
}

BOOST_AUTO_TEST_CASE(TfDefaultHistogramOfNothingIsOneEmptyBucket) {
  const HistogramData h = HistogramData::FromValues({});
  BOOST_TEST(h.bucket_limits == std::vector<double>{DBL_MAX}, boost::test_tools::per_element());
  BOOST_TEST(h.bucket_counts == std::vector<double>{0.0}, boost::test_tools::per_element());
  BOOST_TEST(h.num == 0.0);
}

BOOST_AUTO_TEST_CASE(PrCurveKnownAnswer) {
  const std::vector<uint8_t> labels = {1, 0};
  const std::vector<float> predictions = {0.9f, 0.1f};
  const std::vector<float> rows = PrCurveCounts(labels, predictions, 3);
  // clang-format off
  BOOST_TEST(rows == (std::vector<float>{1, 1, 0,         // TP
                                         1, 0, 0,         // FP
                                         0, 1, 1,         // TN
                                         0, 0, 1,         // FN
                                         0.5f, 1, 0,      // precision
                                         1, 1, 0}),       // recall
             boost::test_tools::per_element());
  // clang-format on
}

BOOST_AUTO_TEST_CASE(WavKnownAnswer) {
  const std::vector<float> samples = {0.0f, 1.0f, -1.0f, 2.0f, 0.5f};
  const std::string wav = EncodeWav(samples, 1, 8000);
  // clang-format off
  BOOST_TEST(Hex(wav.substr(0, 44)) ==
             "52494646" "2e000000" "57415645"              // "RIFF" 46 "WAVE"
             "666d7420" "10000000" "0100" "0100"           // "fmt " 16 PCM mono
             "401f0000" "803e0000" "0200" "1000"           // 8000 Hz, 16000 B/s, align 2, 16 bits
             "64617461" "0a000000");                       // "data" 10
  // clang-format on
  BOOST_TEST(Hex(wav.substr(44)) ==
             "0000"
             "ff7f"
             "0180"
             "ff7f"
             "0040");  // 0, 32767, -32767, 32767, 16384
}

BOOST_AUTO_TEST_CASE(FloatPixelsRoundAndSaturate) {
  const std::vector<float> pixels = {0.0f, 1.0f, 0.5f, -3.0f, 7.0f, 1.0f / 255.0f};
  BOOST_TEST(FloatPixelsToBytes(pixels) == (std::vector<uint8_t>{0, 255, 128, 0, 255, 1}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(PngDecodesToThePixels) {
  std::vector<uint8_t> pixels(2 * 3 * 3);
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<uint8_t>(i * 13);
  auto png = EncodePng(2, 3, 3, pixels);
  BOOST_TEST_REQUIRE(png.ok());
  BOOST_TEST(png->substr(0, 8) == "\x89PNG\r\n\x1a\n");

  png_image image;
  std::memset(&image, 0, sizeof(image));
  image.version = PNG_IMAGE_VERSION;
  BOOST_TEST_REQUIRE(png_image_begin_read_from_memory(&image, png->data(), png->size()) != 0);
  BOOST_TEST(image.width == 3u);
  BOOST_TEST(image.height == 2u);
  image.format = PNG_FORMAT_RGB;
  std::vector<uint8_t> decoded(PNG_IMAGE_SIZE(image));
  BOOST_TEST_REQUIRE(png_image_finish_read(&image, nullptr, decoded.data(), 0, nullptr) != 0);
  BOOST_TEST(decoded == pixels, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(PngRejectsBadShapes) {
  const std::vector<uint8_t> pixels(12);
  BOOST_TEST(EncodePng(2, 2, 3, pixels).status().code() == StatusCode::kOk);
  BOOST_TEST(EncodePng(2, 2, 2, pixels).status().code() == StatusCode::kInvalidArgument);
  BOOST_TEST(EncodePng(0, 2, 3, pixels).status().code() == StatusCode::kInvalidArgument);
  BOOST_TEST(EncodePng(2, 2, 5, pixels).status().code() == StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
