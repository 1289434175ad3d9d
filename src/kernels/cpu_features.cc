// SPDX-License-Identifier: Apache-2.0
#include "kernels/cpu_features.h"

namespace tfcompat::kernels {

#if defined(__x86_64__)
bool CpuHasAvx2AndFma() {
  static const bool has = [] {
    __builtin_cpu_init();  // Idempotent; needed before main().
    return __builtin_cpu_supports("avx2") != 0 && __builtin_cpu_supports("fma") != 0;
  }();
  return has;
}

bool CpuHasAvx512() {
  static const bool has = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") != 0;
  }();
  return has;
}
#else
bool CpuHasAvx2AndFma() { return false; }
bool CpuHasAvx512() { return false; }
#endif

}  // namespace tfcompat::kernels
