// SPDX-License-Identifier: Apache-2.0
// Strings: AsString of integers (TF's as_string_op.cc), the class ids the
// canned heads turn into class names.
#include <string>
#include <vector>

#include "saved_model/ops/kernel.h"
#include "saved_model/ops/tensor_util.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::saved_model {
namespace {

template <typename T>
class IntegerAsStringKernel final : public OpKernel {
 public:
  explicit IntegerAsStringKernel(DataType dtype) : dtype_(dtype) {}

  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    TFCOMPAT_RETURN_IF_ERROR(ExpectDtype(*inputs[0], dtype_, "input"));
    std::vector<std::string> values;
    values.reserve(inputs[0]->num_elements());
    for (const T v : inputs[0]->flat<T>()) values.push_back(std::to_string(v));
    TFCOMPAT_ASSIGN_OR_RETURN(outputs[0], Tensor::FromStrings(inputs[0]->shape(), std::move(values)));
    return OkStatus();
  }

 private:
  DataType dtype_;
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
         if (type == DataType::kInt32) return std::unique_ptr<OpKernel>(new IntegerAsStringKernel<int32_t>(type));
         return std::unique_ptr<OpKernel>(new IntegerAsStringKernel<int64_t>(type));
       }});
}

}  // namespace tfcompat::saved_model
