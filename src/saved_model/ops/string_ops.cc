// SPDX-License-Identifier: Apache-2.0
// Strings: AsString of integers (TF's as_string_op.cc), the class ids the
// canned heads turn into class names; StringToHashBucketFast
// (string_to_hash_bucket_op.cc), hash-bucket columns' ids, on the
// feature-column library's Fingerprint64.
#include <charconv>
#include <string>
#include <vector>

#include "feature_column/fingerprint.h"
#include "saved_model/ops/kernel.h"
#include "saved_model/ops/tensor_util.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::saved_model {
namespace {

template <typename T>
class IntegerAsStringKernel final : public OpKernel {
 public:
  IntegerAsStringKernel(DataType dtype, uint64_t max_bytes) : dtype_(dtype), max_bytes_(max_bytes) {}

  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    TFCOMPAT_RETURN_IF_ERROR(ExpectDtype(*inputs[0], dtype_, "input"));
    // Each number takes at most kMaxDigits characters ("-9223372036854775808"):
    // the bound on the contents before any is made.
    const auto count = static_cast<uint64_t>(inputs[0]->num_elements());
    TFCOMPAT_RETURN_IF_ERROR(CheckStringBytes(count, count * kMaxDigits, max_bytes_));
    TFCOMPAT_RETURN_IF_ERROR(outputs[0].Reset(DataType::kString, inputs[0]->shape()));
    std::vector<std::string>& values = *outputs[0].mutable_strings();
    const std::span<const T> numbers = inputs[0]->flat<T>();
    for (size_t i = 0; i < numbers.size(); ++i) {
      // Written in place: to_string would allocate a string per element.
      char digits[kMaxDigits + 1];
      const std::to_chars_result end = std::to_chars(digits, digits + sizeof(digits), numbers[i]);
      values[i].assign(digits, end.ptr);
    }
    return OkStatus();
  }

 private:
  static constexpr uint64_t kMaxDigits = 20;
  DataType dtype_;
  uint64_t max_bytes_;
};

class StringToHashBucketFastKernel final : public OpKernel {
 public:
  explicit StringToHashBucketFastKernel(int64_t num_buckets) : num_buckets_(num_buckets) {}

  StatusOr<std::vector<StaticShape>> StaticShapes(std::span<const StaticShape> inputs) const override {
    return std::vector<StaticShape>{inputs[0]};
  }

  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    TFCOMPAT_RETURN_IF_ERROR(ExpectDtype(*inputs[0], DataType::kString, "input"));
    TFCOMPAT_ASSIGN_OR_RETURN(outputs[0], Tensor::Zeros(DataType::kInt64, inputs[0]->shape()));
    const std::span<int64_t> ids = outputs[0].mutable_flat<int64_t>();
    const std::vector<std::string>& values = inputs[0]->strings();
    for (size_t i = 0; i < values.size(); ++i) ids[i] = feature_column::HashBucket(values[i], num_buckets_);
    return OkStatus();
  }

 private:
  int64_t num_buckets_;
};

}  // namespace

void RegisterStringOps(KernelRegistry* registry) {
  registry->Register(
      {.op = "AsString",
       .num_inputs = 1,
       .attrs = {"T", "precision", "scientific", "shortest", "width", "fill"},
       .factory = [](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
         TFCOMPAT_ASSIGN_OR_RETURN(const DataType type, attrs.TypeIn("T", {DataType::kInt32, DataType::kInt64}));
         // The formatting attributes matter for integers only through width
         // and fill; their defaults print plain decimal.
         TFCOMPAT_ASSIGN_OR_RETURN(const int64_t width, attrs.Int("width", -1));
         TFCOMPAT_ASSIGN_OR_RETURN(const std::string fill, attrs.String("fill", ""));
         if (width != -1) return attrs.Unsupported("width", "only -1");
         if (!fill.empty()) return attrs.Unsupported("fill", "only the empty string");
         if (type == DataType::kInt32)
           return std::unique_ptr<OpKernel>(new IntegerAsStringKernel<int32_t>(type, attrs.max_tensor_bytes()));
         return std::unique_ptr<OpKernel>(new IntegerAsStringKernel<int64_t>(type, attrs.max_tensor_bytes()));
       }});
  registry->Register({.op = "StringToHashBucketFast",
                      .num_inputs = 1,
                      .attrs = {"num_buckets"},
                      .factory = [](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
                        // The op's definition says num_buckets >= 1: TF refuses
                        // any other value when it builds the node.
                        TFCOMPAT_ASSIGN_OR_RETURN(const int64_t num_buckets, attrs.Int("num_buckets", 0));
                        if (num_buckets < 1) return attrs.Unsupported("num_buckets", "a count of at least 1");
                        return std::unique_ptr<OpKernel>(new StringToHashBucketFastKernel(num_buckets));
                      }});
}

}  // namespace tfcompat::saved_model
