// SPDX-License-Identifier: Apache-2.0
// This core's peak single-precision FMA rate, measured, for benchmarks that
// report a fraction of it (train_bench, gemm_bench): at the width of the
// vectors that Gemm()'s packed kernel uses, whatever flags the benchmark was
// built with.
#ifndef TFCOMPAT_BENCH_FMA_PEAK_H_
#define TFCOMPAT_BENCH_FMA_PEAK_H_

#include <string_view>
#include <vector>

namespace tfcompat::bench {

// The best and the median of a set of measurements (rounds, passes): the
// best is what the machine can do undisturbed; the median is what another
// median compares with, since the machine's noise lowers both.
struct BestAndMedian {
  double best;
  double median;
};

BestAndMedian Summarize(std::vector<double> values);

// GFLOP/s (an FMA counts 2) of one short round (~0.3 ms) of 16 independent
// chains of vector FMAs (enough to cover the FMA latency on two ports), with
// the vectors of packed kernel `kernel` (gemm.h): "avx512" 16 lanes, "avx2"
// 8; any other name, SSE's 4, a multiply and an add counted as one FMA.
double FmaRoundGflops(std::string_view kernel);

// The FMA peak in GFLOP/s for `kernel`: `rounds` rounds of FmaRoundGflops(),
// short so that some run undisturbed on a shared machine.
BestAndMedian MeasureFmaPeak(std::string_view kernel, int rounds = 200);

}  // namespace tfcompat::bench

#endif  // TFCOMPAT_BENCH_FMA_PEAK_H_
