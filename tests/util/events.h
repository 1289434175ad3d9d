// SPDX-License-Identifier: Apache-2.0
// Event files built event by event for the summary readers' tests.
#ifndef TFCOMPAT_TESTS_UTIL_EVENTS_H_
#define TFCOMPAT_TESTS_UTIL_EVENTS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/record_format.h"
#include "tfcompat/tensorflow/event.pb.h"

namespace tfcompat::testing {

// The first event of every event file: its file_version.
inline tensorflow::Event FileVersionEvent(std::string_view version = "brain.Event:2") {
  tensorflow::Event e;
  e.set_file_version(std::string(version));
  return e;
}

// A SessionLog START at `step`: a restart, after which TensorBoard drops
// what the run logged at `step` and later.
inline tensorflow::Event StartEvent(int64_t step) {
  tensorflow::Event e;
  e.set_step(step);
  e.mutable_session_log()->set_status(tensorflow::SessionLog::START);
  return e;
}

// `events` framed as TFRecords: an event file's bytes.
inline std::string FramedEvents(const std::vector<tensorflow::Event>& events) {
  std::string file;
  for (const tensorflow::Event& e : events) AppendRecord(e.SerializeAsString(), &file);
  return file;
}

}  // namespace tfcompat::testing

#endif  // TFCOMPAT_TESTS_UTIL_EVENTS_H_
