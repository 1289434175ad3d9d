// SPDX-License-Identifier: Apache-2.0
#include "summary/png_encoder.h"

#include <png.h>

#include <csetjmp>
#include <string>

namespace tfcompat {
namespace {

void AppendToString(png_structp png, png_bytep data, png_size_t length) {
  auto* out = static_cast<std::string*>(png_get_io_ptr(png));
  out->append(reinterpret_cast<const char*>(data), length);
}

void NoFlush(png_structp) {}

int ColorType(int channels) {
  switch (channels) {
    case 1:
      return PNG_COLOR_TYPE_GRAY;
    case 2:
      return PNG_COLOR_TYPE_GRAY_ALPHA;
    case 3:
      return PNG_COLOR_TYPE_RGB;
    default:
      return PNG_COLOR_TYPE_RGB_ALPHA;
  }
}

// libpng reports errors by longjmp; this frame holds no C++ object whose
// destructor would be skipped (only `out`, owned by the caller).
bool WritePng(int height, int width, int channels, const uint8_t* pixels, std::string* out) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  if (png == nullptr) return false;
  png_infop info = png_create_info_struct(png);
  if (info == nullptr || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return false;
  }
  png_set_write_fn(png, out, AppendToString, NoFlush);
  png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 8, ColorType(channels),
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  const size_t stride = static_cast<size_t>(width) * static_cast<size_t>(channels);
  for (int y = 0; y < height; ++y) {
    png_write_row(png, const_cast<png_bytep>(pixels + static_cast<size_t>(y) * stride));
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return true;
}

}  // namespace

StatusOr<std::string> EncodePng(int height, int width, int channels, std::span<const uint8_t> pixels) {
  if (height <= 0 || width <= 0 || height > (1 << 16) || width > (1 << 16)) {
    return InvalidArgumentError("image height and width must be in [1, 65536], got " + std::to_string(height) + "x" +
                                std::to_string(width));
  }
  if (channels < 1 || channels > 4) {
    return InvalidArgumentError("image channels must be 1, 2, 3 or 4, got " + std::to_string(channels));
  }
  const uint64_t expected =
      uint64_t{static_cast<uint32_t>(height)} * static_cast<uint32_t>(width) * static_cast<uint32_t>(channels);
  if (pixels.size() != expected) {
    return InvalidArgumentError("image of shape [" + std::to_string(height) + ", " + std::to_string(width) + ", " +
                                std::to_string(channels) + "] needs " + std::to_string(expected) +
                                " pixel values, got " + std::to_string(pixels.size()));
  }
  std::string out;
  if (!WritePng(height, width, channels, pixels.data(), &out))
    return InternalError("libpng failed to encode the image");
  return out;
}

}  // namespace tfcompat
