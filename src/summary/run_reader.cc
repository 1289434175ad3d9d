// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/summary/run_reader.h"

#include <algorithm>
#include <charconv>
#include <compare>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <string_view>
#include <system_error>
#include <utility>

#include "io/wire_reader.h"
#include "tfcompat/base/status_macros.h"
#include "tfcompat/io/record_reader.h"

namespace tfcompat {
namespace {

namespace fs = std::filesystem;

// The tag TensorBoard gives the summary value it makes of a graph_def event.
constexpr std::string_view kRunGraphTag = "__run_graph__";

// ---------------------------------------------------------------------------
// Reading the few fields of a serialized tensorflow.Event that the restart
// rule needs, without parsing the rest (event.proto's field numbers).

constexpr uint32_t kEventStep = 2, kEventFileVersion = 3, kEventGraphDef = 4, kEventSummary = 5, kEventLogMessage = 6,
                   kEventSessionLog = 7, kEventTaggedRunMetadata = 8, kEventMetaGraphDef = 9;
// The first field of Summary (its repeated Value), of Summary.Value (tag),
// of SessionLog (status) and of TaggedRunMetadata (tag).
constexpr uint32_t kFirstField = 1;
constexpr uint64_t kSessionStart = 1;

struct WireField {
  uint32_t number = 0;
  uint32_t wire_type = 0;
  uint64_t varint = 0;     // kWireVarint
  std::string_view bytes;  // kWireLengthDelimited
};

// Consumes the next field of a message; false if it is malformed or a
// group (a proto2 form no event message uses).
bool NextField(WireReader& in, WireField* field) {
  const uint32_t key = in.Key();
  if ((key >> 3) == 0) return false;
  field->number = key >> 3;
  field->wire_type = key & 7;
  switch (field->wire_type) {
    case kWireVarint:
      return in.Varint(&field->varint);
    case kWireLengthDelimited:
      return in.Bytes(&field->bytes);
    default:
      return in.Skip(field->wire_type);
  }
}

// The oneof `what` member that a field number of Event is.
std::optional<EventKind> KindOfField(uint32_t number) {
  switch (number) {
    case kEventFileVersion:
      return EventKind::kFileVersion;
    case kEventGraphDef:
      return EventKind::kGraphDef;
    case kEventSummary:
      return EventKind::kSummary;
    case kEventLogMessage:
      return EventKind::kLogMessage;
    case kEventSessionLog:
      return EventKind::kSessionLog;
    case kEventTaggedRunMetadata:
      return EventKind::kTaggedRunMetadata;
    case kEventMetaGraphDef:
      return EventKind::kMetaGraphDef;
    default:
      return std::nullopt;
  }
}

struct EventFields {
  int64_t step = 0;
  EventKind kind = EventKind::kEmpty;
  std::string_view file_version;  // kFileVersion
  bool session_start = false;     // kSessionLog with status START
};

// Fills `*out` from a serialized Event; false if it is not one. Like a
// protobuf parser, the last `what` member wins and a repeated SessionLog
// keeps the last status set.
bool ScanEvent(std::string_view record, EventFields* out) {
  *out = EventFields();
  WireReader in(record);
  WireField field;
  while (!in.AtEnd()) {
    if (!NextField(in, &field)) return false;
    if (field.number == kEventStep && field.wire_type == kWireVarint) {
      out->step = static_cast<int64_t>(field.varint);
      continue;
    }
    const std::optional<EventKind> kind = KindOfField(field.number);
    if (!kind || field.wire_type != kWireLengthDelimited) continue;
    if (*kind != out->kind) out->session_start = false;
    out->kind = *kind;
    if (*kind == EventKind::kFileVersion) out->file_version = field.bytes;
    if (*kind != EventKind::kSessionLog) continue;
    WireReader log(field.bytes);
    WireField log_field;
    while (!log.AtEnd()) {
      if (!NextField(log, &log_field)) return false;
      if (log_field.number == kFirstField && log_field.wire_type == kWireVarint) {
        out->session_start = log_field.varint == kSessionStart;
      }
    }
  }
  return true;
}

// The last `tag` (field 1) of a Summary.Value or a TaggedRunMetadata.
std::string_view TagOf(std::string_view message) {
  std::string_view tag;
  WireReader in(message);
  WireField field;
  while (!in.AtEnd() && NextField(in, &field)) {
    if (field.number == kFirstField && field.wire_type == kWireLengthDelimited) tag = field.bytes;
  }
  return tag;
}

// Calls `fn(tag)` for each summary value a serialized event of `kind` makes
// in TensorBoard: a summary's values, a graph's "__run_graph__", a run
// metadata's tag.
template <typename Fn>
void ForEachTag(std::string_view record, EventKind kind, Fn fn) {
  WireReader in(record);
  WireField field;
  while (!in.AtEnd() && NextField(in, &field)) {
    if (field.wire_type != kWireLengthDelimited || KindOfField(field.number) != kind) continue;
    if (kind == EventKind::kGraphDef) fn(kRunGraphTag);
    if (kind == EventKind::kTaggedRunMetadata) fn(TagOf(field.bytes));
    if (kind != EventKind::kSummary) continue;
    WireReader summary(field.bytes);
    WireField value;
    while (!summary.AtEnd() && NextField(summary, &value)) {
      if (value.number == kFirstField && value.wire_type == kWireLengthDelimited) fn(TagOf(value.bytes));
    }
  }
}

// ---------------------------------------------------------------------------
// The rule (run_reader.h), event by event.

// TensorBoard's reading of a file_version: the number after the last
// "brain.Event:" (or the whole text), -1 when it is no number.
double FileVersionNumber(std::string_view text) {
  static constexpr std::string_view kPrefix = "brain.Event:";
  const size_t prefix = text.rfind(kPrefix);
  if (prefix != std::string_view::npos) text.remove_prefix(prefix + kPrefix.size());
  constexpr std::string_view kSpace = " \t\n\r\v\f";
  const size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return -1;
  text = text.substr(first, text.find_last_not_of(kSpace) - first + 1);
  if (text.front() == '+') text.remove_prefix(1);
  double number;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  return ec == std::errc() && end == text.data() + text.size() ? number : -1;
}

enum class Purge {
  kNone,
  kAllTags,    // every value read so far at steps >= the event's step
  kEventTags,  // the same, in the tags of the event only
};

class RestartRule {
 public:
  // What event `e`, the next of the run, purges before its own values count.
  Purge Next(const EventFields& e) {
    if (e.kind == EventKind::kFileVersion) version_2_ = FileVersionNumber(e.file_version) >= 2;
    const bool summary =
        e.kind == EventKind::kSummary || e.kind == EventKind::kGraphDef || e.kind == EventKind::kTaggedRunMetadata;
    Purge purge = Purge::kNone;
    if (version_2_) {
      if (e.session_start) {
        if (seen_start_) purge = Purge::kAllTags;
        seen_start_ = true;
      }
    } else if (summary && e.step < last_summary_step_) {
      purge = Purge::kEventTags;
    }
    if (summary) last_summary_step_ = e.step;
    return purge;
  }

 private:
  bool version_2_ = false;
  bool seen_start_ = false;
  int64_t last_summary_step_ = -1;
};

// ---------------------------------------------------------------------------
// Where the purges are, and what they cut from the events before them.

// A record of the run: its file's index and its offset there.
struct Position {
  size_t file = 0;
  uint64_t offset = 0;
  auto operator<=>(const Position&) const = default;
};

class PurgePlan {
 public:
  // Add the purges in reading order, then Finish.
  void AddAllTags(Position at, int64_t step) { all_tags_.Add(at, step); }
  void AddTag(Position at, int64_t step, std::string_view tag) {
    auto it = by_tag_.find(tag);
    if (it == by_tag_.end()) it = by_tag_.emplace(std::string(tag), Purges()).first;
    it->second.Add(at, step);
  }
  // After the last Add.
  void Finish() {
    all_tags_.Finish();
    for (auto& [tag, purges] : by_tag_) purges.Finish();
  }

  bool empty() const { return all_tags_.empty() && by_tag_.empty(); }
  // The lowest step that the purges after `at` drop in every tag, or in
  // `tag`; nullopt if none.
  std::optional<int64_t> AllTagsCut(Position at) const { return all_tags_.CutAfter(at); }
  std::optional<int64_t> TagCut(Position at, std::string_view tag) const {
    if (by_tag_.empty()) return std::nullopt;
    const auto it = by_tag_.find(tag);
    return it == by_tag_.end() ? std::nullopt : it->second.CutAfter(at);
  }

 private:
  struct Purges {
    std::vector<Position> at;
    // The lowest step of this purge and every later one.
    std::vector<int64_t> min_step;

    void Add(Position position, int64_t step) {
      if (!at.empty() && at.back() == position) {  // a tag twice in one event
        min_step.back() = std::min(min_step.back(), step);
        return;
      }
      at.push_back(position);
      min_step.push_back(step);
    }
    void Finish() {
      for (size_t i = min_step.size(); i-- > 1;) min_step[i - 1] = std::min(min_step[i - 1], min_step[i]);
    }
    bool empty() const { return at.empty(); }
    std::optional<int64_t> CutAfter(Position position) const {
      const size_t i = std::upper_bound(at.begin(), at.end(), position) - at.begin();
      return i < at.size() ? std::optional<int64_t>(min_step[i]) : std::nullopt;
    }
  };
  Purges all_tags_;
  std::map<std::string, Purges, std::less<>> by_tag_;
};

// Where a file's first pass stopped; the second stops there too.
struct FileExtent {
  uint64_t end = std::numeric_limits<uint64_t>::max();
  // The record at `end` is corrupt beyond its payload: the second pass
  // reports it, then goes on with the next file.
  bool framing_lost = false;
};

StatusOr<std::vector<std::string>> ListEventFiles(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return NotFoundError(dir + ": not a directory");
  std::vector<std::string> files;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    std::error_code type_ec;  // A dangling link is no event file, not an error.
    if (IsEventFileName(name) && !name.ends_with(".profile-empty") && it->is_regular_file(type_ec)) {
      files.push_back(it->path().string());
    }
  }
  if (ec) return UnknownError(dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

// The first pass: every record of every file through the rule.
Status FindPurges(const std::vector<std::string>& files, PurgePlan* plan, std::vector<FileExtent>* extents) {
  RestartRule rule;
  std::string_view record;
  EventFields fields;
  extents->assign(files.size(), FileExtent());
  for (size_t i = 0; i < files.size(); ++i) {
    TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<RecordReader> records, RecordReader::Open(files[i]));
    FileExtent& extent = (*extents)[i];
    for (;;) {
      const Position at{i, records->offset()};
      const Status s = records->ReadRecordView(&record);
      if (s.code() == StatusCode::kOutOfRange) {
        extent.end = at.offset;
        break;
      }
      if (s.code() == StatusCode::kDataLoss && records->offset() == at.offset) {
        extent = {at.offset, true};
        break;
      }
      if (s.code() == StatusCode::kDataLoss) continue;  // A bad payload: ReadEvent reports it.
      TFCOMPAT_RETURN_IF_ERROR(s);
      if (!ScanEvent(record, &fields)) continue;  // Not an Event: ditto.
      switch (rule.Next(fields)) {
        case Purge::kAllTags:
          plan->AddAllTags(at, fields.step);
          break;
        case Purge::kEventTags:
          ForEachTag(record, fields.kind, [&](std::string_view tag) { plan->AddTag(at, fields.step, tag); });
          break;
        case Purge::kNone:
          break;
      }
    }
  }
  plan->Finish();
  return OkStatus();
}

// The fields the rule reads, from an event as read.
EventFields FieldsOf(const EventView& event) {
  EventFields fields;
  fields.step = event.step;
  fields.kind = event.kind;
  fields.file_version = event.file_version;
  fields.session_start = event.kind == EventKind::kSessionLog && event.session_status == SessionStatus::kStart;
  return fields;
}

// Whether a purge could drop something of `event`.
bool HasValues(const EventView& event) {
  return (event.kind == EventKind::kSummary && !event.values.empty()) || event.kind == EventKind::kGraphDef ||
         event.kind == EventKind::kTaggedRunMetadata;
}

}  // namespace

struct RunReader::Rep {
  RunReaderOptions options;
  std::string dir;
  std::vector<std::string> files;
  // With purging: the first pass's findings.
  std::vector<FileExtent> extents;
  PurgePlan plan;
  // Single pass (options.single_pass, until a restart cuts back what was
  // read): the rule, event by event, and the highest step of an event with
  // values returned so far.
  bool planless = false;
  RestartRule rule;
  std::optional<int64_t> max_value_step;
  // The file being read (files[file]), if any, and the next one to open.
  std::unique_ptr<EventFileReader> reader;
  size_t file = 0;
  size_t next_file = 0;
  int64_t purged = 0;

  bool PastExtent(uint64_t offset) const {
    if (!options.purge_orphaned_data || planless) return false;
    const FileExtent& extent = extents[file];
    return offset > extent.end || (offset == extent.end && !extent.framing_lost);
  }

  // Removes the values of `event`, read at `at`, that a later purge drops;
  // false if nothing of it is left to yield. Out of line, as StartOver and
  // OpenNextFile are: ReadEvent, called for every event, stays small.
  [[gnu::noinline]] bool Prune(Position at, EventView* event) {
    const std::optional<int64_t> cut = plan.AllTagsCut(at);
    const auto orphaned = [&](std::string_view tag) {
      if (cut && event->step >= *cut) return true;
      const std::optional<int64_t> tag_cut = plan.TagCut(at, tag);
      return tag_cut && event->step >= *tag_cut;
    };
    if (event->kind == EventKind::kSummary) {
      if (event->values.empty()) return true;
      purged += static_cast<int64_t>(
          std::erase_if(event->values, [&](const SummaryValueView& v) { return orphaned(v.tag); }));
      return !event->values.empty();
    }
    if (event->kind != EventKind::kGraphDef && event->kind != EventKind::kTaggedRunMetadata) return true;
    bool keep = true;
    ForEachTag(event->serialized, event->kind, [&](std::string_view tag) { keep = !orphaned(tag); });
    if (!keep) ++purged;
    return keep;
  }

  // Single pass: notes `event`; false when it purges a value already
  // returned, so that the run must be read again with a plan.
  bool Follow(const EventView& event) {
    if (rule.Next(FieldsOf(event)) != Purge::kNone && max_value_step && event.step <= *max_value_step) return false;
    if (HasValues(event)) max_value_step = std::max(max_value_step.value_or(event.step), event.step);
    return true;
  }

  // Back to the run's first event, with the two passes, when `event`, read
  // at `at`, purges values already returned; Aborted says so.
  [[gnu::noinline]] Status StartOver(Position at, const EventView& event) {
    planless = false;
    reader.reset();
    next_file = 0;
    TFCOMPAT_RETURN_IF_ERROR(FindPurges(files, &plan, &extents));
    return AbortedError(files[at.file] + ": a restart at step " + std::to_string(event.step) + " (offset " +
                        std::to_string(at.offset) + ") purges values already read; reading " + dir + " again");
  }

  // Opens the next file, files[next_file].
  [[gnu::noinline]] Status OpenNextFile() {
    file = next_file++;
    TFCOMPAT_ASSIGN_OR_RETURN(reader, EventFileReader::Open(files[file]));
    return OkStatus();
  }
};

RunReader::RunReader(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
RunReader::~RunReader() = default;

StatusOr<std::unique_ptr<RunReader>> RunReader::Open(const std::string& dir, const RunReaderOptions& options) {
  auto rep = std::make_unique<Rep>();
  rep->options = options;
  rep->dir = dir;
  TFCOMPAT_ASSIGN_OR_RETURN(rep->files, ListEventFiles(dir));
  rep->planless = options.purge_orphaned_data && options.single_pass;
  if (options.purge_orphaned_data && !rep->planless) {
    TFCOMPAT_RETURN_IF_ERROR(FindPurges(rep->files, &rep->plan, &rep->extents));
  }
  return std::unique_ptr<RunReader>(new RunReader(std::move(rep)));
}

Status RunReader::ReadEvent(EventView* event) {
  Rep& r = *rep_;
  for (;;) {
    if (!r.reader) {
      if (r.next_file == r.files.size()) return OutOfRangeError("end of the run's event files");
      TFCOMPAT_RETURN_IF_ERROR(r.OpenNextFile());
    }
    const Position at{r.file, r.reader->offset()};
    if (r.PastExtent(at.offset)) {
      r.reader.reset();
      continue;
    }
    const Status s = r.reader->ReadEvent(event);
    if (s.code() == StatusCode::kOutOfRange) {
      r.reader.reset();
      continue;
    }
    if (!s.ok()) {
      if (r.reader->offset() == at.offset) r.reader.reset();  // Nothing more to read in this file.
      return s;
    }
    if (r.planless) return r.Follow(*event) ? OkStatus() : r.StartOver(at, *event);
    if (r.plan.empty() || r.Prune(at, event)) return OkStatus();
  }
}

const std::vector<std::string>& RunReader::files() const { return rep_->files; }
int64_t RunReader::purged_values() const { return rep_->purged; }

}  // namespace tfcompat
