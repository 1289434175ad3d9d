// SPDX-License-Identifier: Apache-2.0
// What the estimator's ISA-specific kernels need of the CPU, checked at run
// time (__builtin_cpu_supports, which also checks that the OS saves the
// wider registers). Each answer is computed once.
#ifndef TFCOMPAT_SRC_KERNELS_CPU_FEATURES_H_
#define TFCOMPAT_SRC_KERNELS_CPU_FEATURES_H_

namespace tfcompat::kernels {

// The *_avx2.cc kernels: AVX2 and FMA.
bool CpuHasAvx2AndFma();

// The *_avx512.cc kernels: AVX-512F.
bool CpuHasAvx512();

}  // namespace tfcompat::kernels

#endif  // TFCOMPAT_SRC_KERNELS_CPU_FEATURES_H_
