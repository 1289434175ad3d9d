// crc32c_bench: CRC-32C throughput of tfcompat::crc32c::Extend beside a plain
// byte-at-a-time table implementation, measured in the same run.
//
//   build/bin/crc32c_bench
//
// Prints GB/s (10^9 bytes per second) for 8 B, 64 B, 4 KiB and 1 MiB buffers.
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "tfcompat/io/crc32c.h"

namespace {

// The textbook reflected table, one byte per step: the baseline.
uint32_t TableCrc32c(uint32_t crc, const unsigned char* p, size_t n) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c >> 1) ^ ((c & 1) ? 0x82f63b78u : 0);
      t[i] = c;
    }
    return t;
  }();
  crc = ~crc;
  for (size_t i = 0; i < n; ++i) crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

// Keeps the compiler from discarding the measured work.
volatile uint32_t g_sink;

// Runs `f` over `buffer` for at least ~0.2 s and returns GB/s.
template <typename F>
double MeasureGBps(const std::vector<unsigned char>& buffer, F f) {
  using Clock = std::chrono::steady_clock;
  uint32_t sink = 0;
  size_t iterations = 1;
  while (true) {
    const auto start = Clock::now();
    for (size_t i = 0; i < iterations; ++i) sink = f(sink, buffer.data(), buffer.size());
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (seconds > 0.2) {
      g_sink = sink;
      return static_cast<double>(buffer.size()) * static_cast<double>(iterations) / seconds / 1e9;
    }
    iterations *= 2;
  }
}

}  // namespace

int main() {
  std::printf("crc32c implementation: %s\n", tfcompat::crc32c::ImplementationName());
  std::printf("%10s %14s %14s %8s\n", "size", "tfcompat GB/s", "table GB/s", "ratio");
  for (size_t size : {size_t{8}, size_t{64}, size_t{4096}, size_t{1} << 20}) {
    std::vector<unsigned char> buffer(size);
    for (size_t i = 0; i < size; ++i) buffer[i] = static_cast<unsigned char>(i * 131 + 7);
    const double ours = MeasureGBps(buffer, [](uint32_t c, const unsigned char* p, size_t n) {
      return tfcompat::crc32c::Extend(c, p, n);
    });
    const double table = MeasureGBps(buffer, TableCrc32c);
    std::printf("%10zu %14.2f %14.2f %7.1fx\n", size, ours, table, ours / table);
  }
  return 0;
}
