// SPDX-License-Identifier: Apache-2.0
// PNG encoding of 8-bit images through libpng (internal).
#ifndef TFCOMPAT_SRC_SUMMARY_PNG_ENCODER_H_
#define TFCOMPAT_SRC_SUMMARY_PNG_ENCODER_H_

#include <cstdint>
#include <span>
#include <string>

#include "tfcompat/base/status.h"

namespace tfcompat {

// Encodes a row-major height x width x channels image (channels 1 gray,
// 2 gray+alpha, 3 RGB, 4 RGBA) as a PNG file. InvalidArgument for a bad
// shape or a pixel count that does not match it.
StatusOr<std::string> EncodePng(int height, int width, int channels, std::span<const uint8_t> pixels);

}  // namespace tfcompat

#endif  // TFCOMPAT_SRC_SUMMARY_PNG_ENCODER_H_
