// SPDX-License-Identifier: Apache-2.0
// EventFileReader: iterates the events of a TensorBoard event file written
// by TensorFlow, TensorBoard, PyTorch, tensorboardX or us.
//
// Usage:
//   const std::string path = "logs/train/events.out.tfevents.1700000000.host";
//   TFCOMPAT_ASSIGN_OR_RETURN(auto reader, tfcompat::EventFileReader::Open(path));
//   std::vector<std::pair<int64_t, double>> losses;
//   tfcompat::EventView event;
//   tfcompat::Status s;
//   while ((s = reader->ReadEvent(&event)).ok()) {
//     for (const auto& v : event.values) {
//       if (v.kind == tfcompat::ValueKind::kScalar && v.tag == "loss") losses.emplace_back(event.step, v.scalar);
//     }
//   }
//   if (s.code() != tfcompat::StatusCode::kOutOfRange) return s;  // DataLoss: corrupt; may call again to skip it
//
// Events that are only scalars (simple_value or rank-0 float/double tensors
// of the scalars plugin, ASCII tags) are decoded straight from the wire
// format; anything else is parsed as a tensorflow.Event. Both give the same
// EventView, and every record's CRCs are checked either way.
//
// A file still being written ends in a partial record: ReadEvent returns
// OutOfRange with truncated_tail() true, and resumes there once the rest
// arrives. A corrupt record is DataLoss naming the file and its offset;
// when only its payload is bad the reader has moved past it, so calling
// ReadEvent again skips it.
#ifndef TFCOMPAT_SUMMARY_EVENT_FILE_READER_H_
#define TFCOMPAT_SUMMARY_EVENT_FILE_READER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tfcompat/base/status.h"

namespace tfcompat {

// What an Event carries (its `what` oneof).
enum class EventKind {
  kEmpty,
  kFileVersion,
  kGraphDef,
  kSummary,
  kLogMessage,
  kSessionLog,
  kTaggedRunMetadata,
  kMetaGraphDef,
};

// The dashboard a summary value belongs to, from its legacy field or the
// plugin name of the tag's first value in the file.
enum class ValueKind {
  kScalar,     // simple_value, or a rank-0 float/double tensor of "scalars"
  kHistogram,  // histo, or plugin "histograms"
  kImage,      // image, or plugin "images"
  kAudio,      // audio, or plugin "audio"
  kText,       // plugin "text"
  kTensor,     // any other tensor (plugin_name says whose)
  kUnknown,    // nothing readable
};

// SessionLog.status values.
enum class SessionStatus { kUnspecified = 0, kStart = 1, kStop = 2, kCheckpoint = 3 };

// "scalar", "histogram", "image", "audio", "text", "tensor", "unknown".
const char* ValueKindName(ValueKind kind);
// "empty", "file_version", "graph_def", "summary", ...
const char* EventKindName(EventKind kind);

struct SummaryValueView {
  std::string tag;
  ValueKind kind = ValueKind::kUnknown;
  std::string plugin_name;
  // The value of a kScalar, and whether it was stored as a double (a
  // DT_DOUBLE tensor) rather than a float32.
  double scalar = 0;
  bool scalar_is_double = false;
};

struct EventView {
  double wall_time = 0;
  int64_t step = 0;
  EventKind kind = EventKind::kEmpty;
  std::string file_version;                                    // kFileVersion
  std::vector<SummaryValueView> values;                        // kSummary
  SessionStatus session_status = SessionStatus::kUnspecified;  // kSessionLog
  std::string checkpoint_path;                                 // kSessionLog
  // The whole serialized tensorflow.Event, for anything not above.
  std::string serialized;
};

class EventFileReader {
 public:
  static StatusOr<std::unique_ptr<EventFileReader>> Open(const std::string& path);
  ~EventFileReader();
  EventFileReader(const EventFileReader&) = delete;
  EventFileReader& operator=(const EventFileReader&) = delete;

  // OK: `*event` holds the next event. OutOfRange: none yet (end of file or
  // truncated tail). DataLoss: a corrupt record or a record that is not an
  // Event, with file and offset.
  Status ReadEvent(EventView* event);

  // Offset of the next record.
  uint64_t offset() const;
  bool truncated_tail() const;
  const std::string& path() const;

 private:
  struct Rep;
  explicit EventFileReader(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

// Whether a file name is an event file's ("...tfevents...").
bool IsEventFileName(const std::string& name);

}  // namespace tfcompat

#endif  // TFCOMPAT_SUMMARY_EVENT_FILE_READER_H_
