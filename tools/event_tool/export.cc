// SPDX-License-Identifier: Apache-2.0
// export: every run and tag of a logdir as long tables, one per kind.
//
// Reading: a run's events come from RunReader (TensorBoard's file order and
// restart rule) through one call, RunLoader::Add, which files each summary
// value into its run's tables. Writing: rows are formatted into one
// large buffer handed to the output in pieces of about a megabyte.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "cli.h"
#include "event_data.h"
#include "io/file.h"
#include "number_format.h"
#include "subcommands.h"
#include "summary/tag_map.h"
#include "tfcompat/base/status_macros.h"
#include "tfcompat/summary/run_reader.h"
#include "tfcompat/tensorboard/hparams.pb.h"
#include "tfcompat/tensorflow/event.pb.h"

namespace tfcompat::event_tool {
namespace {

constexpr char kSessionStartTag[] = "_hparams_/session_start_info";
constexpr char kExperimentTag[] = "_hparams_/experiment";
// tensorboardX and PyTorch name a text tag "<tag>/text_summary"; tbparse
// drops the suffix, and so does export.
constexpr std::string_view kTextSuffix = "/text_summary";

enum class Kind { kScalars, kHistograms, kText, kHParams, kHParamsMetrics };
constexpr Kind kKinds[] = {Kind::kScalars, Kind::kHistograms, Kind::kText, Kind::kHParams, Kind::kHParamsMetrics};
constexpr const char* kKindNames[] = {"scalars", "histograms", "text", "hparams", "hparams_metrics"};

const char* KindName(Kind kind) { return kKindNames[static_cast<int>(kind)]; }

// Every column of every kind, in the order they are written.
enum Column {
  kKindColumn,
  kRun,
  kGroup,
  kTag,
  kStep,
  kWallTime,
  kValue,
  kMin,
  kMax,
  kNum,
  kSum,
  kSumSquares,
  kLimits,
  kCounts
};
constexpr const char* kColumnNames[] = {"kind", "run", "group", "tag", "step",        "wall_time", "value",
                                        "min",  "max", "num",   "sum", "sum_squares", "limits",    "counts"};

std::vector<Column> ColumnsOf(Kind kind) {
  switch (kind) {
    case Kind::kScalars:
    case Kind::kText:
      return {kRun, kTag, kStep, kWallTime, kValue};
    case Kind::kHistograms:
      return {kRun, kTag, kStep, kWallTime, kMin, kMax, kNum, kSum, kSumSquares, kLimits, kCounts};
    case Kind::kHParams:
      return {kRun, kTag, kValue};
    case Kind::kHParamsMetrics:
      return {kRun, kGroup, kTag, kStep, kWallTime, kValue};
  }
  return {};
}

struct ScalarRow {
  int64_t step;
  double wall_time;
  double value;
  bool is_double;  // Printed as a double rather than a float32.
};

// The rows of one scalar series, grown with realloc: past a few hundred
// kilobytes the C library moves the pages of a block that grows (mremap)
// where a std::vector would copy millions of rows into a new block and
// fault in its pages, at every doubling.
class ScalarRows {
 public:
  static_assert(std::is_trivially_copyable_v<ScalarRow>);

  ScalarRows() = default;
  ScalarRows(const ScalarRows&) = delete;
  ScalarRows& operator=(const ScalarRows&) = delete;
  ScalarRows(ScalarRows&& other) noexcept
      : rows_(std::exchange(other.rows_, nullptr)),
        size_(std::exchange(other.size_, 0)),
        capacity_(std::exchange(other.capacity_, 0)),
        sorted_(std::exchange(other.sorted_, true)) {}
  ScalarRows& operator=(ScalarRows&& other) noexcept {
    std::swap(rows_, other.rows_);
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
    std::swap(sorted_, other.sorted_);
    return *this;
  }
  ~ScalarRows() { std::free(rows_); }

  void push_back(const ScalarRow& row) {
    if (size_ == capacity_) Grow();
    // Noted here, where the last row is still in cache, rather than by
    // another pass over every row before sorting.
    if (size_ > 0 && row.step < rows_[size_ - 1].step) sorted_ = false;
    rows_[size_++] = row;
  }
  bool empty() const { return size_ == 0; }
  // Whether the rows are in step order (ties in any order), as pushed.
  bool sorted_by_step() const { return sorted_; }
  const ScalarRow& back() const { return rows_[size_ - 1]; }
  ScalarRow* begin() { return rows_; }
  ScalarRow* end() { return rows_ + size_; }
  const ScalarRow* begin() const { return rows_; }
  const ScalarRow* end() const { return rows_ + size_; }

 private:
  void Grow() {
    const size_t capacity = std::max<size_t>(256, 2 * capacity_);
    void* grown = std::realloc(rows_, capacity * sizeof(ScalarRow));
    if (grown == nullptr) throw std::bad_alloc();
    rows_ = static_cast<ScalarRow*>(grown);
    capacity_ = capacity;
  }

  ScalarRow* rows_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
  bool sorted_ = true;
};

// tbparse's histogram columns: the right edges of the buckets with the left
// edge of the first in front, and the counts with a 0 in front.
struct HistogramRow {
  int64_t step;
  double wall_time;
  double min, max, num, sum, sum_squares;
  std::vector<double> limits, counts;
};

struct TextRow {
  int64_t step;
  double wall_time;
  std::string value;
};

struct HParamRow {
  std::string name;
  google::protobuf::Value value;
};

// A metric of the HParams dashboard: a scalar tag of run
// "<session run>/<group>".
struct MetricName {
  std::string group, tag;
};

struct RunTables {
  std::string name;
  TagMap<ScalarRows> scalars;
  TagMap<std::vector<HistogramRow>> histograms;
  TagMap<std::vector<TextRow>> text;
  std::vector<HParamRow> hparams;  // By name; from the run's first session start.
  bool has_session_start = false;
  // For hparams_metrics: the metrics of the run's first experiment, if it
  // has one, and each scalar tag's last value read.
  std::optional<std::vector<MetricName>> experiment_metrics;
  std::map<std::string, ScalarRow, std::less<>> last_scalars;
};

// The values of a float or double tensor, from tensor_content or the
// repeated field.
bool TensorValues(const tensorflow::TensorProto& t, std::vector<double>* values) {
  values->clear();
  if (t.dtype() == tensorflow::DT_DOUBLE) {
    if (!t.tensor_content().empty()) {
      if (t.tensor_content().size() % sizeof(double) != 0) return false;
      values->resize(t.tensor_content().size() / sizeof(double));
      std::memcpy(values->data(), t.tensor_content().data(), t.tensor_content().size());
    } else {
      values->assign(t.double_val().begin(), t.double_val().end());
    }
    return true;
  }
  if (t.dtype() == tensorflow::DT_FLOAT) {
    if (!t.tensor_content().empty()) {
      if (t.tensor_content().size() % sizeof(float) != 0) return false;
      std::vector<float> floats(t.tensor_content().size() / sizeof(float));
      std::memcpy(floats.data(), t.tensor_content().data(), t.tensor_content().size());
      values->assign(floats.begin(), floats.end());
    } else {
      values->assign(t.float_val().begin(), t.float_val().end());
    }
    return true;
  }
  return false;
}

// Files the summary values of a run's events into its tables.
class RunLoader {
 public:
  RunLoader(const std::vector<bool>& wanted, RunTables* tables)
      : wanted_(wanted),
        scalar_rows_wanted_(Wanted(Kind::kScalars) || Wanted(Kind::kHParamsMetrics)),
        tables_(*tables) {}

  Status Add(const std::string& run, const EventView& event) {
    parsed_ = false;
    for (size_t i = 0; i < event.values.size(); ++i) {
      const SummaryValueView& v = event.values[i];
      if (v.kind == ValueKind::kScalar && scalar_rows_wanted_) {
        tables_.scalars[v.tag].push_back({event.step, event.wall_time, v.scalar, v.scalar_is_double});
      } else {
        TFCOMPAT_RETURN_IF_ERROR(AddOther(run, event, i));
      }
    }
    return OkStatus();
  }

 private:
  bool Wanted(Kind kind) const { return wanted_[static_cast<int>(kind)]; }

  // Any value but a wanted scalar. Out of line: inlined, its locals and
  // calls would make every scalar's Add save and restore more registers.
  [[gnu::noinline]] Status AddOther(const std::string& run, const EventView& event, size_t i) {
    const SummaryValueView& v = event.values[i];
    if (v.kind == ValueKind::kHistogram && Wanted(Kind::kHistograms)) return AddHistogram(run, event, i);
    if (v.kind == ValueKind::kText && Wanted(Kind::kText)) return AddText(run, event, i);
    if (v.plugin_name == "hparams" && v.tag == kSessionStartTag && !tables_.has_session_start &&
        (Wanted(Kind::kHParams) || Wanted(Kind::kHParamsMetrics))) {
      return AddSessionStart(run, event, i);
    }
    if (v.plugin_name == "hparams" && v.tag == kExperimentTag && !tables_.experiment_metrics &&
        Wanted(Kind::kHParamsMetrics)) {
      return AddExperiment(run, event, i);
    }
    return OkStatus();
  }

  // The summary value of `event` that `event.values[i]` views, parsed with
  // protobuf (once per event) for what the EventView does not carry. The
  // views are the serialized values in order, less any a restart purged,
  // and a purge takes every value of a tag: so view i is the first
  // serialized value at or after the previous match with its tag.
  StatusOr<const tensorflow::Summary::Value*> Value(const std::string& run, const EventView& event, size_t i) {
    if (!parsed_) {
      if (!event_.ParseFromString(event.serialized)) {
        return DataLossError(run + ": event at step " + std::to_string(event.step) + " is not a tensorflow.Event");
      }
      parsed_ = true;
      next_value_ = 0;
    }
    const auto& values = event_.summary().value();
    while (next_value_ < values.size() && values[next_value_].tag() != event.values[i].tag) ++next_value_;
    if (next_value_ == values.size()) {
      return InternalError(run + ": summary value '" + event.values[i].tag + "' missing at step " +
                           std::to_string(event.step));
    }
    return &values[next_value_++];
  }

  static Status BadValue(const std::string& run, const EventView& event, const std::string& tag,
                         const std::string& what) {
    return DataLossError(run + ": " + tag + " at step " + std::to_string(event.step) + ": " + what);
  }

  Status AddHistogram(const std::string& run, const EventView& event, size_t i) {
    TFCOMPAT_ASSIGN_OR_RETURN(const tensorflow::Summary::Value* v, Value(run, event, i));
    HistogramRow row{event.step, event.wall_time, 0, 0, 0, 0, 0, {}, {}};
    if (v->has_histo()) {
      const tensorflow::HistogramProto& h = v->histo();
      row.min = h.min();
      row.max = h.max();
      row.num = h.num();
      row.sum = h.sum();
      row.sum_squares = h.sum_squares();
      row.limits.assign(h.bucket_limit().begin(), h.bucket_limit().end());
      row.counts.assign(h.bucket().begin(), h.bucket().end());
    } else {
      // The histograms plugin's tensor: k buckets of [left, right, count].
      const tensorflow::TensorProto& t = v->tensor();
      std::vector<double> values;
      if (t.tensor_shape().dim_size() != 2 || t.tensor_shape().dim(1).size() != 3 || !TensorValues(t, &values) ||
          values.size() != static_cast<size_t>(t.tensor_shape().dim(0).size()) * 3) {
        return BadValue(run, event, v->tag(), "a histogram tensor must be float or double of shape [k, 3]");
      }
      const size_t k = values.size() / 3;
      row.limits.push_back(k > 0 ? values[0] : 0.0);
      row.counts.push_back(0);
      for (size_t b = 0; b < k; ++b) {
        row.limits.push_back(values[3 * b + 1]);
        row.counts.push_back(values[3 * b + 2]);
        row.num += values[3 * b + 2];
      }
      row.min = row.limits.front();
      row.max = row.limits.back();
      row.sum = row.sum_squares = std::numeric_limits<double>::quiet_NaN();
    }
    tables_.histograms[v->tag()].push_back(std::move(row));
    return OkStatus();
  }

  Status AddText(const std::string& run, const EventView& event, size_t i) {
    TFCOMPAT_ASSIGN_OR_RETURN(const tensorflow::Summary::Value* v, Value(run, event, i));
    const tensorflow::TensorProto& t = v->tensor();
    if (t.dtype() != tensorflow::DT_STRING || t.string_val_size() == 0) {
      return BadValue(run, event, v->tag(), "a text tensor must hold strings");
    }
    std::string value = t.string_val(0);
    if (t.string_val_size() > 1) {
      // A table: its cells as a JSON array, row by row.
      nlohmann::json cells = nlohmann::json::array();
      for (const std::string& cell : t.string_val()) cells.push_back(cell);
      value = cells.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    std::string_view tag = v->tag();
    if (tag.ends_with(kTextSuffix)) tag.remove_suffix(kTextSuffix.size());
    tables_.text[tag].push_back({event.step, event.wall_time, std::move(value)});
    return OkStatus();
  }

  StatusOr<tensorboard::hparams::HParamsPluginData> PluginData(const std::string& run, const EventView& event,
                                                               const tensorflow::Summary::Value& v) {
    tensorboard::hparams::HParamsPluginData data;
    if (!data.ParseFromString(v.metadata().plugin_data().content())) {
      return BadValue(run, event, v.tag(), "plugin content is not an HParamsPluginData");
    }
    return data;
  }

  Status AddSessionStart(const std::string& run, const EventView& event, size_t i) {
    TFCOMPAT_ASSIGN_OR_RETURN(const tensorflow::Summary::Value* v, Value(run, event, i));
    TFCOMPAT_ASSIGN_OR_RETURN(const tensorboard::hparams::HParamsPluginData data, PluginData(run, event, *v));
    for (const auto& [name, value] : data.session_start_info().hparams()) tables_.hparams.push_back({name, value});
    std::sort(tables_.hparams.begin(), tables_.hparams.end(),
              [](const HParamRow& a, const HParamRow& b) { return a.name < b.name; });
    tables_.has_session_start = true;
    return OkStatus();
  }

  Status AddExperiment(const std::string& run, const EventView& event, size_t i) {
    TFCOMPAT_ASSIGN_OR_RETURN(const tensorflow::Summary::Value* v, Value(run, event, i));
    TFCOMPAT_ASSIGN_OR_RETURN(const tensorboard::hparams::HParamsPluginData data, PluginData(run, event, *v));
    std::vector<MetricName>& metrics = tables_.experiment_metrics.emplace();
    for (const auto& info : data.experiment().metric_infos())
      metrics.push_back({info.name().group(), info.name().tag()});
    return OkStatus();
  }

  const std::vector<bool>& wanted_;
  const bool scalar_rows_wanted_;  // For scalars or hparams_metrics.
  RunTables& tables_;
  tensorflow::Event event_;
  bool parsed_ = false;
  int next_value_ = 0;  // Of event_'s values, the first not yet matched.
};

// Rows by step, as tbparse gives them; ties keep the order they were read.
constexpr auto kByStep = [](const auto& a, const auto& b) { return a.step < b.step; };

// Whether a series' rows are in step order already.
template <typename Rows>
bool SortedByStep(const Rows& rows) {
  return std::is_sorted(rows.begin(), rows.end(), kByStep);
}
bool SortedByStep(const ScalarRows& rows) { return rows.sorted_by_step(); }

Status LoadRunTables(const std::string& logdir, bool purge_orphaned_data, const std::vector<bool>& wanted,
                     RunTables* tables) {
  const std::string dir = (std::filesystem::path(logdir) / tables->name).string();
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<RunReader> reader,
                            RunReader::Open(dir, {.purge_orphaned_data = purge_orphaned_data, .single_pass = true}));
  RunLoader loader(wanted, tables);
  EventView event;
  Status s;
  for (;;) {
    s = reader->ReadEvent(&event);
    if (s.code() == StatusCode::kAborted) {  // A restart cuts back what was read: the run again, from the start.
      std::string name = std::move(tables->name);
      *tables = RunTables();
      tables->name = std::move(name);
      continue;
    }
    if (!s.ok()) break;
    TFCOMPAT_RETURN_IF_ERROR(loader.Add(dir, event));
  }
  if (s.code() != StatusCode::kOutOfRange) return s;
  if (wanted[static_cast<int>(Kind::kHParamsMetrics)]) {
    for (const auto& [tag, rows] : tables->scalars) {
      if (!rows.empty()) tables->last_scalars.emplace(tag, rows.back());
    }
    if (!wanted[static_cast<int>(Kind::kScalars)]) tables->scalars = {};
  }
  const auto sort = [](auto& series) {
    for (auto&& [tag, rows] : series) {
      if (!SortedByStep(rows)) std::stable_sort(rows.begin(), rows.end(), kByStep);
    }
  };
  sort(tables->scalars);
  sort(tables->histograms);
  sort(tables->text);
  return OkStatus();
}

// --- hparams_metrics ---------------------------------------------------------
//
// The metric values TensorBoard's HParams dashboard gives each session, as
// its plugin finds them (backend_context.py, list_session_groups.py,
// metrics.py; the Python data provider):
//   - the sessions are the runs with a session_start_info;
//   - the metrics are those of the experiment (the first run, by name, with
//     an `_hparams_/experiment`); without one, and if some session has an
//     hparam that is a number, string or bool, every scalar tag of a run
//     that is a session or lies under one (the nearest), its group the
//     run's path below that session ("" for the session's own run, "." if
//     that run's name ends in "."), sorted by tag, then group;
//   - a session's value of metric (group, tag) is the last value read of
//     scalar `tag` in run `<session>/<group>` (os.path.join, a trailing "/"
//     dropped: so the session "." has none but its own), if it has one.

struct MetricRow {
  const std::string* session;
  const MetricName* name;
  ScalarRow value;
};

// TensorBoard's _find_longest_parent_path: `run` or its nearest ancestor
// that is a session.
std::optional<std::string> SessionOf(std::string run, const std::set<std::string, std::less<>>& sessions) {
  for (;;) {
    if (sessions.contains(run)) return run;
    if (run.empty()) return std::nullopt;
    const size_t slash = run.rfind('/');
    run.resize(slash == std::string::npos ? 0 : slash);
  }
}

// os.path.join(session, group), a trailing "/" dropped.
std::string MetricRun(const std::string& session, const std::string& group) {
  std::string run = group.starts_with('/') ? group : session + (session.ends_with('/') ? "" : "/") + group;
  if (run.ends_with('/')) run.pop_back();
  return run;
}

std::vector<MetricName> ExperimentMetrics(const std::vector<RunTables>& runs) {
  for (const RunTables& run : runs) {
    if (run.experiment_metrics) return *run.experiment_metrics;
  }
  std::set<std::string, std::less<>> sessions;
  bool shown_hparam = false;
  for (const RunTables& run : runs) {
    if (!run.has_session_start) continue;
    sessions.insert(run.name);
    for (const HParamRow& row : run.hparams) {
      const auto kind = row.value.kind_case();
      shown_hparam |= kind == google::protobuf::Value::kNumberValue || kind == google::protobuf::Value::kStringValue ||
                      kind == google::protobuf::Value::kBoolValue;
    }
  }
  if (!shown_hparam) return {};
  std::set<std::pair<std::string, std::string>> tags_and_groups;
  for (const RunTables& run : runs) {
    const std::optional<std::string> session = SessionOf(run.name, sessions);
    if (!session) continue;
    std::string group =
        run.name == *session ? (run.name.ends_with('.') ? "." : "") : run.name.substr(session->size() + 1);
    for (const auto& [tag, last] : run.last_scalars) tags_and_groups.emplace(tag, group);
  }
  std::vector<MetricName> metrics;
  for (const auto& [tag, group] : tags_and_groups) metrics.push_back({group, tag});
  return metrics;
}

// Each session's metric values, by session (in run order), then metric.
std::vector<MetricRow> MetricValues(const std::vector<RunTables>& runs, const std::vector<MetricName>& metrics) {
  std::map<std::string_view, const RunTables*> by_name;
  for (const RunTables& run : runs) by_name.emplace(run.name, &run);
  std::vector<MetricRow> rows;
  for (const RunTables& session : runs) {
    if (!session.has_session_start) continue;
    for (const MetricName& metric : metrics) {
      const auto run = by_name.find(MetricRun(session.name, metric.group));
      if (run == by_name.end()) continue;
      const auto last = run->second->last_scalars.find(metric.tag);
      if (last != run->second->last_scalars.end()) rows.push_back({&session.name, &metric, last->second});
    }
  }
  return rows;
}

std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string quoted = "\"";
  for (const char c : s) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

std::string JsonString(std::string_view s) {
  return nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// A string field, escaped once for both formats.
struct Text {
  explicit Text(std::string_view s) : csv(CsvField(s)), json(JsonString(s)) {}
  std::string csv, json;
};

// Text being written: a buffer whose bytes past size() are room to write
// into, so that a row of numbers is formatted in place.
class OutputBuffer {
 public:
  explicit OutputBuffer(size_t capacity) : bytes_(capacity, '\0') {}

  size_t size() const { return size_; }
  std::string_view view() const { return {bytes_.data(), size_}; }
  void Truncate(size_t size) { size_ = size; }

  // At least `n` bytes to write into, at the end; Advance(end) keeps those
  // written.
  char* Room(size_t n) {
    if (bytes_.size() - size_ < n) bytes_.resize(std::max(2 * bytes_.size(), size_ + n));
    return bytes_.data() + size_;
  }
  void Advance(const char* end) { size_ = end - bytes_.data(); }

  void Append(std::string_view s) {
    std::memcpy(Room(s.size()), s.data(), s.size());
    size_ += s.size();
  }
  void Append(char c) {
    *Room(1) = c;
    ++size_;
  }

 private:
  std::string bytes_;  // Its size is the capacity.
  size_t size_ = 0;
};

// The most characters of a step: -9223372036854775808.
constexpr size_t kMaxStepChars = 20;

char* WriteStep(int64_t step, char* out) { return std::to_chars(out, out + kMaxStepChars, step).ptr; }

// The digits of steps that mostly count up by one, as a series' rows do:
// a step one past the last is its digits plus one (a carry through the
// trailing nines), not a conversion, which costs more.
class StepDigits {
 public:
  // WriteStep's text of `step`, written at `out` with room for
  // kMaxStepChars; returns its end.
  char* Write(int64_t step, char* out) {
    if (step > 0 && step - 1 == last_) {
      Increment();
    } else {
      size_ = WriteStep(step, digits_) - digits_;
    }
    last_ = step;
    std::memcpy(out, digits_, kMaxStepChars);  // Whole: a few moves, not a call.
    return out + size_;
  }

 private:
  // The digits of last_ + 1, from those of last_ (>= 0).
  void Increment() {
    size_t i = size_;
    while (i > 0 && digits_[i - 1] == '9') digits_[--i] = '0';
    if (i > 0) {
      ++digits_[i - 1];
    } else {  // All nines: a 1 and as many zeros.
      digits_[0] = '1';
      digits_[size_++] = '0';
    }
  }

  char digits_[kMaxStepChars] = {};
  size_t size_ = 0;
  int64_t last_ = -1;  // The step digits_ holds; -1 when none.
};

// Writes rows as CSV (RFC 4180: one header line, fields quoted when they
// hold a comma, quote or line break) or as one JSON object of arrays of row
// objects, keyed by kind. CSV of one kind has that kind's columns; of
// several, a leading "kind" column and the union of their columns, empty
// where a kind has none.
class TableWriter {
 public:
  using Sink = std::function<Status(std::string_view)>;

  TableWriter(bool json, const std::vector<Kind>& kinds, Sink sink)
      : json_(json), sink_(std::move(sink)), out_(kFlushSize + (64 << 10)) {
    std::vector<bool> used(std::size(kColumnNames), false);
    used[kKindColumn] = kinds.size() > 1;
    for (Kind kind : kinds) {
      for (Column c : ColumnsOf(kind)) used[c] = true;
    }
    for (size_t c = 0; c < used.size(); ++c) {
      if (used[c]) columns_.push_back(static_cast<Column>(c));
    }
    if (json_) {
      out_.Append('{');
      return;
    }
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (i > 0) out_.Append(',');
      out_.Append(kColumnNames[columns_[i]]);
    }
    out_.Append('\n');
  }

  void BeginKind(Kind kind) {
    kind_ = kind;
    if (!json_) return;
    if (kinds_begun_++ > 0) out_.Append(',');
    out_.Append('"');
    out_.Append(KindName(kind));
    out_.Append("\":[");
    rows_of_kind_ = 0;
  }

  void EndKind() {
    if (json_) out_.Append(rows_of_kind_ > 0 ? "\n]" : "]");
  }

  void BeginRow() {
    next_ = 0;
    if (json_ && rows_of_kind_++ > 0) out_.Append(',');
    if (json_) {
      out_.Append("\n{");
    } else if (columns_.front() == kKindColumn) {
      out_.Append(KindName(kind_));
      next_ = 1;
    }
  }

  // Appends column `c` (columns in order), its value written by
  // `append(&out, json)`.
  template <typename Append>
  void Field(Column c, Append&& append) {
    if (json_) {
      if (next_++ > 0) out_.Append(',');
      out_.Append('"');
      out_.Append(kColumnNames[c]);
      out_.Append("\":");
    } else {
      while (columns_[next_] != c) Separate();
      Separate();
    }
    append(&out_, json_);
  }

  void String(Column c, const Text& text) {
    Field(c, [&](OutputBuffer* out, bool json) { out->Append(json ? text.json : text.csv); });
  }

  template <typename T>
  void Number(Column c, T value) {
    Field(c, [&](OutputBuffer* out, bool json) {
      out->Advance(cli::WriteNumber(value, json, out->Room(kMaxNumberChars)));
    });
  }

  void Step(int64_t step) {
    Field(kStep, [step](OutputBuffer* out, bool) { out->Advance(WriteStep(step, out->Room(kMaxStepChars))); });
  }

  // A list of numbers: a JSON array, in CSV as the text of that array.
  void Numbers(Column c, const std::vector<double>& values) {
    std::string array = "[";
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) array += ',';
      cli::AppendNumberJson(values[i], &array);
    }
    array += ']';
    Field(c, [&](OutputBuffer* out, bool json) { out->Append(json ? array : CsvField(array)); });
  }

  Status EndRow() {
    if (json_) {
      out_.Append('}');
    } else {
      while (next_ < columns_.size()) Separate();
      out_.Append('\n');
    }
    return out_.size() >= kFlushSize ? Flush() : OkStatus();
  }

  // A piece of a row's text, padded to whole 16-byte blocks and copied a
  // block at a time: inline moves, where a copy of a few bytes would call
  // memmove. It writes up to kPieceSlack bytes past its end.
  class Piece {
   public:
    explicit Piece(std::string_view text) : size_(text.size()), bytes_(text) {
      bytes_.resize((size_ / kBlock + 1) * kBlock);
    }
    size_t size() const { return size_; }
    char* CopyTo(char* out) const {
      for (size_t i = 0; i < size_; i += kBlock) std::memcpy(out + i, bytes_.data() + i, kBlock);
      return out + size_;
    }

   private:
    static constexpr size_t kBlock = 16;
    size_t size_;
    std::string bytes_;
  };
  static constexpr size_t kPieceSlack = 16;

  // The text of a scalar row of one series around its step, wall time and
  // value, cut from a row written as above: scalar rows, by the million,
  // are then four pieces and three numbers.
  struct ScalarTemplate {
    Piece before_step, before_wall_time, before_value, after_value;
  };

  ScalarTemplate MakeScalarTemplate(const Text& run, const Text& tag) {
    const size_t start = out_.size();
    const int64_t rows = rows_of_kind_;
    size_t marks[3];
    int m = 0;
    const auto mark = [&](OutputBuffer* out, bool) { marks[m++] = out->size(); };
    BeginRow();
    // A JSON row's text starts after the comma that separates it.
    const size_t row = json_ && rows > 0 ? start + 1 : start;
    String(kRun, run);
    String(kTag, tag);
    Field(kStep, mark);
    Field(kWallTime, mark);
    Field(kValue, mark);
    if (json_) {
      out_.Append('}');
    } else {
      while (next_ < columns_.size()) Separate();
      out_.Append('\n');
    }
    const std::string_view text = out_.view();
    ScalarTemplate t{Piece(text.substr(row, marks[0] - row)), Piece(text.substr(marks[0], marks[1] - marks[0])),
                     Piece(text.substr(marks[1], marks[2] - marks[1])), Piece(text.substr(marks[2]))};
    out_.Truncate(start);
    rows_of_kind_ = rows;
    return t;
  }

  Status WriteScalarRow(const ScalarTemplate& t, const ScalarRow& row) {
    char* p = out_.Room(1 + t.before_step.size() + kMaxStepChars + t.before_wall_time.size() + kMaxNumberChars +
                        t.before_value.size() + kMaxNumberChars + t.after_value.size() + kPieceSlack);
    if (json_ && rows_of_kind_++ > 0) *p++ = ',';
    p = t.before_step.CopyTo(p);
    p = step_digits_.Write(row.step, p);
    p = t.before_wall_time.CopyTo(p);
    p = cli::WriteNumber(row.wall_time, json_, p);
    p = t.before_value.CopyTo(p);
    p = row.is_double ? cli::WriteNumber(row.value, json_, p)
                      : cli::WriteNumber(static_cast<float>(row.value), json_, p);
    out_.Advance(t.after_value.CopyTo(p));
    return out_.size() >= kFlushSize ? Flush() : OkStatus();
  }

  Status Finish() {
    if (json_) out_.Append("}\n");
    return Flush();
  }

 private:
  static constexpr size_t kFlushSize = size_t{1} << 20;
  static constexpr size_t kMaxNumberChars = cli::kMaxNumberChars;

  // Ends the field before column next_ (CSV).
  void Separate() {
    if (next_++ > 0) out_.Append(',');
  }

  Status Flush() {
    Status s = sink_(out_.view());
    out_.Truncate(0);
    return s;
  }

  const bool json_;
  Sink sink_;
  OutputBuffer out_;
  std::vector<Column> columns_;  // CSV
  StepDigits step_digits_;       // Of scalar rows.
  Kind kind_ = Kind::kScalars;
  size_t next_ = 0;  // Index (CSV) or count (JSON) of the row's next field.
  int kinds_begun_ = 0;
  int64_t rows_of_kind_ = 0;
};

void HParamValue(TableWriter& writer, const google::protobuf::Value& value) {
  switch (value.kind_case()) {
    case google::protobuf::Value::kNumberValue:
      writer.Number(kValue, value.number_value());
      break;
    case google::protobuf::Value::kStringValue:
      writer.String(kValue, Text(value.string_value()));
      break;
    case google::protobuf::Value::kBoolValue:
      writer.Field(kValue, [&](OutputBuffer* out, bool) { out->Append(value.bool_value() ? "true" : "false"); });
      break;
    default:  // No value: an empty CSV field, JSON null.
      writer.Field(kValue, [](OutputBuffer* out, bool json) {
        if (json) out->Append("null");
      });
  }
}

Status WriteMetrics(const std::vector<MetricRow>& metrics, TableWriter& writer) {
  for (const MetricRow& row : metrics) {
    writer.BeginRow();
    writer.String(kRun, Text(*row.session));
    writer.String(kGroup, Text(row.name->group));
    writer.String(kTag, Text(row.name->tag));
    writer.Step(row.value.step);
    writer.Number(kWallTime, row.value.wall_time);
    if (row.value.is_double) {
      writer.Number(kValue, row.value.value);
    } else {
      writer.Number(kValue, static_cast<float>(row.value.value));
    }
    TFCOMPAT_RETURN_IF_ERROR(writer.EndRow());
  }
  return OkStatus();
}

Status WriteKind(Kind kind, const std::vector<RunTables>& runs, TableWriter& writer) {
  writer.BeginKind(kind);
  if (kind == Kind::kHParamsMetrics) {
    const std::vector<MetricName> metrics = ExperimentMetrics(runs);
    TFCOMPAT_RETURN_IF_ERROR(WriteMetrics(MetricValues(runs, metrics), writer));
    writer.EndKind();
    return OkStatus();
  }
  for (const RunTables& run : runs) {
    const Text run_name(run.name);
    if (kind == Kind::kHParams) {
      for (const HParamRow& row : run.hparams) {
        writer.BeginRow();
        writer.String(kRun, run_name);
        writer.String(kTag, Text(row.name));
        HParamValue(writer, row.value);
        TFCOMPAT_RETURN_IF_ERROR(writer.EndRow());
      }
      continue;
    }
    // The columns every series kind starts with.
    const auto begin_row = [&](const Text& tag, const auto& row) {
      writer.BeginRow();
      writer.String(kRun, run_name);
      writer.String(kTag, tag);
      writer.Step(row.step);
      writer.Number(kWallTime, row.wall_time);
    };
    if (kind == Kind::kScalars) {
      for (const auto& [tag_name, rows] : run.scalars) {
        const TableWriter::ScalarTemplate row_template = writer.MakeScalarTemplate(run_name, Text(tag_name));
        for (const ScalarRow& row : rows) TFCOMPAT_RETURN_IF_ERROR(writer.WriteScalarRow(row_template, row));
      }
    } else if (kind == Kind::kHistograms) {
      for (const auto& [tag_name, rows] : run.histograms) {
        const Text tag(tag_name);
        for (const HistogramRow& row : rows) {
          begin_row(tag, row);
          writer.Number(kMin, row.min);
          writer.Number(kMax, row.max);
          writer.Number(kNum, row.num);
          writer.Number(kSum, row.sum);
          writer.Number(kSumSquares, row.sum_squares);
          writer.Numbers(kLimits, row.limits);
          writer.Numbers(kCounts, row.counts);
          TFCOMPAT_RETURN_IF_ERROR(writer.EndRow());
        }
      }
    } else {
      for (const auto& [tag_name, rows] : run.text) {
        const Text tag(tag_name);
        for (const TextRow& row : rows) {
          begin_row(tag, row);
          writer.String(kValue, Text(row.value));
          TFCOMPAT_RETURN_IF_ERROR(writer.EndRow());
        }
      }
    }
  }
  writer.EndKind();
  return OkStatus();
}

}  // namespace

void SetupExport(CLI::App& app, Action* action) {
  auto options = std::make_shared<ExportOptions>();
  auto json = std::make_shared<bool>(false);
  CLI::App* sub = app.add_subcommand("export", "Every run and tag as CSV or JSON tables, one per kind");
  sub->add_option("LOGDIR", options->logdir, "Directory of runs")->required();
  CLI::Option* json_flag = cli::AddJsonFlag(sub, json.get());
  sub->add_option("--format", options->format, "csv (default) or json (the same as --json)")
      ->check(CLI::IsMember({"csv", "json"}))
      ->excludes(json_flag);
  sub->add_option("-o,--output", options->output, "Write to this file (atomically) rather than stdout");
  sub->add_option("--kinds", options->kinds, "Kinds to export, comma-separated")
      ->delimiter(',')
      ->check(CLI::IsMember({"scalars", "histograms", "text", "hparams", "hparams_metrics"}));
  AddPurgeOrphanedDataOption(*sub, options->purge_orphaned_data);
  sub->callback([options, json, action] {
    if (*json) options->format = "json";
    *action = [options](std::ostream& out, std::ostream& err) { return RunExport(*options, out, err); };
  });
}

int RunExport(const ExportOptions& options, std::ostream& out, std::ostream& err) {
  std::vector<bool> wanted(std::size(kKinds), false);
  for (const std::string& name : options.kinds) {
    const auto* it = std::find(std::begin(kKindNames), std::end(kKindNames), name);
    if (it == std::end(kKindNames)) {
      return cli::ReportError(kTool, InvalidArgumentError("unknown kind '" + name + "'"), err, cli::kExitUsage);
    }
    wanted[it - std::begin(kKindNames)] = true;
  }
  std::vector<Kind> kinds;
  for (Kind kind : kKinds) {
    if (wanted[static_cast<int>(kind)]) kinds.push_back(kind);
  }
  if (kinds.empty()) return cli::ReportError(kTool, InvalidArgumentError("no kind to export"), err, cli::kExitUsage);

  auto run_names = FindRuns(options.logdir);
  if (!run_names.ok()) return cli::ReportError(kTool, run_names.status(), err);
  if (run_names->empty()) {
    return cli::ReportError(kTool, NotFoundError("no event files found within logdir " + options.logdir), err);
  }
  std::vector<RunTables> runs(run_names->size());
  for (size_t i = 0; i < runs.size(); ++i) {
    runs[i].name = (*run_names)[i];
    Status s = LoadRunTables(options.logdir, options.purge_orphaned_data, wanted, &runs[i]);
    if (!s.ok()) return cli::ReportError(kTool, s, err);
  }

  std::unique_ptr<AtomicFileWriter> file;
  TableWriter::Sink sink = [&out](std::string_view data) {
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    return out ? OkStatus() : UnknownError("writing the output failed");
  };
  if (!options.output.empty()) {
    auto created = AtomicFileWriter::Create(Env::Default(), options.output);
    if (!created.ok()) return cli::ReportError(kTool, created.status(), err);
    file = std::move(*created);
    sink = [&file](std::string_view data) { return file->Append(data); };
  }
  TableWriter writer(options.format == "json", kinds, sink);
  Status s;
  for (Kind kind : kinds) {
    s = WriteKind(kind, runs, writer);
    if (!s.ok()) break;
  }
  if (s.ok()) s = writer.Finish();
  if (s.ok() && file != nullptr) s = file->Commit();
  if (!s.ok()) return cli::ReportError(kTool, s, err);
  return cli::kExitOk;
}

}  // namespace tfcompat::event_tool
