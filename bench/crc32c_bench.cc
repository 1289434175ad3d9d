// SPDX-License-Identifier: Apache-2.0
// crc32c_bench: CRC-32C throughput of tfcompat::crc32c::Extend beside two
// peers measured in the same run: a plain byte-at-a-time table, and a single
// dependent chain of the SSE4.2 crc32 instruction written inline in the
// timing loop (the best a caller could do by hand for short inputs).
//
//   build/bin/crc32c_bench
//
// Prints GB/s (10^9 bytes per second) at 8 B, 64 B, 4 KiB and 1 MiB, then
// each internal implementation at sizes around the dispatch threshold. Each
// CRC is chained into the next (Extend(previous, ...)), so short sizes
// measure latency, as when framing one record after another. The contenders
// of a row are timed in alternating rounds and each figure is the best of
// its batches, to damp noise from other processes on a shared machine.
#include <nmmintrin.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <optional>
#include <vector>

#include "cli.h"
#include "io/crc32c_internal.h"
#include "tfcompat/io/crc32c.h"

namespace {

// Keeps the compiler from discarding the measured work.
volatile uint32_t g_sink;

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

// Each Run* computes `iterations` chained CRCs of p[0, n) and returns the last.
uint32_t RunTable(size_t iterations, const unsigned char* p, size_t n) {
  uint32_t crc = 0;
  for (size_t i = 0; i < iterations; ++i) crc = TableCrc32c(crc, p, n);
  return crc;
}

uint32_t RunTfcompat(size_t iterations, const unsigned char* p, size_t n) {
  uint32_t crc = 0;
  for (size_t i = 0; i < iterations; ++i) crc = tfcompat::crc32c::Extend(crc, p, n);
  return crc;
}

// The peer for short inputs: one crc32 chain, inlined into the loop. The
// target attribute (not a file-wide -msse4.2) keeps SSE4.2 out of the rest
// of this program; main() calls it only when the CPU has SSE4.2.
__attribute__((target("sse4.2"))) uint32_t RunInlineSse42Chain(size_t iterations, const unsigned char* p, size_t n) {
  uint32_t crc = 0;
  for (size_t i = 0; i < iterations; ++i) {
    uint64_t state = ~crc;
    size_t k = 0;
    for (; k + 8 <= n; k += 8) {
      uint64_t word;
      std::memcpy(&word, p + k, sizeof(word));
      state = _mm_crc32_u64(state, word);
    }
    auto state32 = static_cast<uint32_t>(state);
    for (; k < n; ++k) state32 = _mm_crc32_u8(state32, p[k]);
    crc = ~state32;
  }
  return crc;
}

// A contender: computes `iterations` chained CRCs, returns the last one.
using Run = std::function<uint32_t(size_t iterations)>;

// Times the contenders in turn, round after round, so that load from other
// processes falls on all of them alike, and returns each one's GB/s in its
// best batch (a batch lasts at least ~20 ms).
std::vector<double> CompareGBps(size_t bytes_per_call, const std::vector<Run>& runs) {
  using Clock = std::chrono::steady_clock;
  constexpr int kRounds = 5;
  constexpr double kMinBatchSeconds = 0.02;
  std::vector<size_t> iterations(runs.size(), 1);
  std::vector<double> best_seconds_per_call(runs.size(), 0);
  for (int round = 0; round < kRounds; ++round) {
    for (size_t r = 0; r < runs.size(); ++r) {
      while (true) {
        const auto start = Clock::now();
        g_sink = runs[r](iterations[r]);
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        if (seconds < kMinBatchSeconds) {
          iterations[r] *= 2;  // Calibrating, in the first round as a rule.
          continue;
        }
        const double per_call = seconds / static_cast<double>(iterations[r]);
        if (round == 0 || per_call < best_seconds_per_call[r]) best_seconds_per_call[r] = per_call;
        break;
      }
    }
  }
  std::vector<double> gbps;
  for (double seconds : best_seconds_per_call) gbps.push_back(static_cast<double>(bytes_per_call) / seconds / 1e9);
  return gbps;
}

std::vector<unsigned char> MakeBuffer(size_t size) {
  std::vector<unsigned char> buffer(size);
  for (size_t i = 0; i < size; ++i) buffer[i] = static_cast<unsigned char>(i * 131 + 7);
  return buffer;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"CRC-32C throughput of tfcompat::crc32c::Extend beside a table and an inline SSE4.2 chain",
               "crc32c_bench"};
  if (const std::optional<int> exit_code = tfcompat::cli::Parse(app, argc, argv)) return *exit_code;
  const bool has_sse42 = __builtin_cpu_supports("sse4.2") != 0;
  std::printf("crc32c implementation: %s\n\n", tfcompat::crc32c::ImplementationName());
  std::printf("%8s %14s %19s %11s %12s %12s\n", "size", "tfcompat GB/s", "inline sse4.2 GB/s", "table GB/s",
              "vs sse4.2", "vs table");
  for (size_t size : {size_t{8}, size_t{64}, size_t{4096}, size_t{1} << 20}) {
    const std::vector<unsigned char> buffer = MakeBuffer(size);
    const unsigned char* p = buffer.data();
    std::vector<Run> runs = {[&](size_t it) { return RunTfcompat(it, p, size); },
                             [&](size_t it) { return RunTable(it, p, size); }};
    if (has_sse42) runs.push_back([&](size_t it) { return RunInlineSse42Chain(it, p, size); });
    const std::vector<double> gbps = CompareGBps(size, runs);
    const double ours = gbps[0], table = gbps[1];
    if (has_sse42) {
      const double chain = gbps[2];
      std::printf("%8zu %14.2f %19.2f %11.2f %11.2fx %11.1fx\n", size, ours, chain, table, ours / chain, ours / table);
    } else {
      std::printf("%8zu %14.2f %19s %11.2f %12s %11.1fx\n", size, ours, "n/a", table, "n/a", ours / table);
    }
  }

  // Each implementation on its own, around the dispatch threshold.
  const auto implementations = tfcompat::crc32c::internal::AvailableImplementations();
  std::printf("\n%8s", "size");
  for (const auto& impl : implementations) std::printf(" %10s", impl.name);
  std::printf("   (GB/s)\n");
  for (size_t size = 8; size <= 4096; size *= 2) {
    const std::vector<unsigned char> buffer = MakeBuffer(size);
    std::printf("%8zu", size);
    std::vector<Run> runs;
    for (const auto& impl : implementations) {
      runs.push_back([extend = impl.extend, &buffer](size_t iterations) {
        uint32_t crc = 0;
        for (size_t i = 0; i < iterations; ++i) crc = extend(crc, buffer.data(), buffer.size());
        return crc;
      });
    }
    for (double gbps : CompareGBps(size, runs)) std::printf(" %10.2f", gbps);
    std::printf("\n");
  }
  return 0;
}
