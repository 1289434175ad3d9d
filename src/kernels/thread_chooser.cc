// SPDX-License-Identifier: Apache-2.0
#include "kernels/thread_chooser.h"

#include <algorithm>
#include <cstddef>

namespace tfcompat::kernels {

double ThreadChooser::Times::Median() const {
  // Insertion sort of at most kWindow values.
  std::array<double, kWindow> sorted{};
  const int n = std::min(count, kWindow);
  for (int i = 0; i < n; ++i) {
    int j = i;
    for (; j > 0 && sorted[static_cast<size_t>(j - 1)] > last[static_cast<size_t>(i)]; --j) {
      sorted[static_cast<size_t>(j)] = sorted[static_cast<size_t>(j - 1)];
    }
    sorted[static_cast<size_t>(j)] = last[static_cast<size_t>(i)];
  }
  return sorted[static_cast<size_t>(n / 2)];
}

ThreadChooser::Entry* ThreadChooser::Find(const Key& key) {
  for (Entry& entry : entries_) {
    if (entry.key == key) return &entry;
  }
  return nullptr;
}

bool ThreadChooser::Parallel(const Key& key) {
  std::lock_guard<std::mutex> lock(mu_);
  Entry* entry = Find(key);
  if (entry == nullptr) {
    if (entries_.size() >= kMaxKeys) return false;
    entry = &entries_.emplace_back();
    entry->key = key;
  }
  const int64_t call = entry->calls++;
  const Times& one = entry->times[0];
  const Times& several = entry->times[1];
  if (one.count < kMinSamples || several.count < kMinSamples) return several.count < one.count;
  const bool faster = several.Median() < one.Median();
  if (call < entry->next_probe || entry->probing) return faster;
  entry->probing = true;
  entry->probe_parallel = !faster;
  return !faster;
}

void ThreadChooser::Record(const Key& key, bool parallel, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  Entry* entry = Find(key);
  if (entry == nullptr) return;  // the table was full
  Times& times = entry->times[parallel ? 1 : 0];
  times.last[static_cast<size_t>(times.count % kWindow)] = seconds;
  ++times.count;
  if (entry->probing && parallel == entry->probe_parallel) {
    entry->probing = false;
    const bool promising = seconds < entry->times[parallel ? 0 : 1].Median();
    entry->period = promising ? 1 : std::min(2 * entry->period, kMaxProbePeriod);
    entry->next_probe = entry->calls + entry->period;
  }
}

}  // namespace tfcompat::kernels
