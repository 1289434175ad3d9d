// SPDX-License-Identifier: Apache-2.0
// Compiled, never run, by argument_order_test.cmake against the public
// headers. As is, it calls SummaryWriter's scalar methods in their order
// (tag, value, step) and must compile; with TFCOMPAT_SWAPPED=N it makes
// swapped call N instead (tag, step, value), which must not.
#include <cstdint>

#include "tfcompat/summary/summary_writer.h"

namespace {

[[maybe_unused]] tfcompat::Status Write(tfcompat::SummaryWriter& writer, int64_t step, int epoch, float loss,
                                        double accuracy) {
#ifndef TFCOMPAT_SWAPPED
  const tfcompat::Status statuses[] = {
      writer.AddScalar("loss", loss, step),       writer.AddScalar("accuracy", accuracy, epoch),
      writer.AddScalar("count", 3, step),         writer.AddScalar("constant", 0.25f, 7L),
      writer.AddScalarTensor("loss", loss, step), writer.AddScalarTensor("accuracy", accuracy, epoch),
      writer.AddScalarTensor("count", 3, step),   writer.AddScalar("loss", loss, step, 1.7e9),
      writer.AddScalar("count", 3, step, 1.7e9),
  };
  for (const tfcompat::Status& status : statuses) {
    if (!status.ok()) return status;
  }
  return tfcompat::OkStatus();
#elif TFCOMPAT_SWAPPED == 1
  return writer.AddScalar("loss", step, loss);
#elif TFCOMPAT_SWAPPED == 2
  return writer.AddScalar("accuracy", epoch, accuracy);
#elif TFCOMPAT_SWAPPED == 3
  return writer.AddScalar("constant", 7, 0.25);
#elif TFCOMPAT_SWAPPED == 4
  return writer.AddScalarTensor("loss", step, loss);
#elif TFCOMPAT_SWAPPED == 5
  return writer.AddScalarTensor("accuracy", epoch, accuracy);
#elif TFCOMPAT_SWAPPED == 6
  return writer.AddScalar("loss", step, loss, 1.7e9);
#endif
}

}  // namespace
