// SPDX-License-Identifier: Apache-2.0
// Fuzzes EventFileReader: framing, Event/Summary parsing and the decoding of
// every value kind (scalars, tensors, histograms, images, ...); then
// RunReader on the same file, with two passes and with one: its scan of
// events for restarts and its purge (the seed corpus/event_fuzzer/restarts,
// written with TF 2.15's tf.io.TFRecordWriter, restarts by SessionLog START,
// by a version-1 step going back and by a run metadata's tag).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "tfcompat/summary/event_file_reader.h"
#include "tfcompat/summary/run_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = tfcompat::fuzz::ScratchDir::Get().Write(
      "events.out.tfevents.1.fuzz", std::string_view(reinterpret_cast<const char*>(data), size));
  auto reader = tfcompat::EventFileReader::Open(path);
  if (!reader.ok()) return 0;
  tfcompat::EventView event;
  size_t events = 0;
  while ((*reader)->ReadEvent(&event).ok()) {
    if (++events > size / 16) __builtin_trap();
  }
  // The scratch directory holds this one event file: a run.
  const std::string dir = path.substr(0, path.rfind('/'));
  auto run = tfcompat::RunReader::Open(dir);
  if (!run.ok()) return 0;
  size_t reads = 0;
  tfcompat::Status s;
  while ((s = (*run)->ReadEvent(&event)).code() != tfcompat::StatusCode::kOutOfRange) {
    if (++reads > size / 16 + 1) __builtin_trap();  // Every call consumes a record or ends the file.
  }
  // In one pass: Aborted at most once, then the file again.
  auto single = tfcompat::RunReader::Open(dir, {.single_pass = true});
  if (!single.ok()) return 0;
  size_t single_reads = 0, aborts = 0;
  while ((s = (*single)->ReadEvent(&event)).code() != tfcompat::StatusCode::kOutOfRange) {
    if (s.code() == tfcompat::StatusCode::kAborted && ++aborts > 1) __builtin_trap();
    if (++single_reads > 2 * (size / 16 + 1) + 1) __builtin_trap();
  }
  return 0;
}
