// SPDX-License-Identifier: Apache-2.0
#include "summary/summary_tables.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <system_error>

#include "tfcompat/base/status_macros.h"
#include "tfcompat/summary/event_file_reader.h"
#include "tfcompat/summary/run_reader.h"
#include "tfcompat/tensorboard/hparams.pb.h"
#include "tfcompat/tensorflow/event.pb.h"

namespace tfcompat {
namespace {

namespace fs = std::filesystem;

constexpr char kSessionStartTag[] = "_hparams_/session_start_info";
constexpr char kExperimentTag[] = "_hparams_/experiment";
// tensorboardX and PyTorch name a text tag "<tag>/text_summary"; tbparse
// drops the suffix, and so do the tables.
constexpr std::string_view kTextSuffix = "/text_summary";
constexpr const char* kKindNames[] = {"scalars", "histograms", "text", "hparams", "hparams_metrics"};

HParamTableValue ToTableValue(const google::protobuf::Value& value) {
  switch (value.kind_case()) {
    case google::protobuf::Value::kNumberValue:
      return value.number_value();
    case google::protobuf::Value::kStringValue:
      return value.string_value();
    case google::protobuf::Value::kBoolValue:
      return value.bool_value();
    default:
      return std::monostate();
  }
}

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
  RunLoader(const std::set<TableKind>& wanted, RunTables* tables)
      : wanted_(wanted),
        scalar_rows_wanted_(Wanted(TableKind::kScalars) || Wanted(TableKind::kHParamsMetrics)),
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
  bool Wanted(TableKind kind) const { return wanted_.contains(kind); }

  // Any value but a wanted scalar. Out of line: inlined, its locals and
  // calls would make every scalar's Add save and restore more registers.
  [[gnu::noinline]] Status AddOther(const std::string& run, const EventView& event, size_t i) {
    const SummaryValueView& v = event.values[i];
    if (v.kind == ValueKind::kHistogram && Wanted(TableKind::kHistograms)) return AddHistogram(run, event, i);
    if (v.kind == ValueKind::kText && Wanted(TableKind::kText)) return AddText(run, event, i);
    if (v.plugin_name == "hparams" && v.tag == kSessionStartTag && !tables_.has_session_start &&
        (Wanted(TableKind::kHParams) || Wanted(TableKind::kHParamsMetrics))) {
      return AddSessionStart(run, event, i);
    }
    if (v.plugin_name == "hparams" && v.tag == kExperimentTag && !tables_.experiment_metrics &&
        Wanted(TableKind::kHParamsMetrics)) {
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
    for (const auto& [name, value] : data.session_start_info().hparams()) {
      tables_.hparams.push_back({name, ToTableValue(value)});
    }
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

  const std::set<TableKind>& wanted_;
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

Status LoadRunTables(const std::string& logdir, bool purge_orphaned_data, const std::set<TableKind>& wanted,
                     RunTables* tables) {
  // The logdir's own run as the logdir, so that errors name its files as
  // the caller named it (not "LOGDIR/./FILE").
  const std::string dir = tables->name == "." ? logdir : (fs::path(logdir) / tables->name).string();
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
  if (wanted.contains(TableKind::kHParamsMetrics)) {
    for (const auto& [tag, rows] : tables->scalars) {
      if (!rows.empty()) tables->last_scalars.emplace(tag, rows.back());
    }
    if (!wanted.contains(TableKind::kScalars)) tables->scalars = {};
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
    for (const HParamRow& row : run.hparams) shown_hparam |= !std::holds_alternative<std::monostate>(row.value);
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

}  // namespace

const char* TableKindName(TableKind kind) { return kKindNames[static_cast<int>(kind)]; }

std::optional<TableKind> TableKindFromName(std::string_view name) {
  for (TableKind kind : kTableKinds) {
    if (name == TableKindName(kind)) return kind;
  }
  return std::nullopt;
}

StatusOr<std::vector<std::string>> FindRuns(const std::string& logdir) {
  std::error_code ec;
  if (!fs::is_directory(logdir, ec)) return NotFoundError(logdir + ": not a directory");
  std::vector<std::string> runs;
  const auto add_if_run = [&](const fs::path& dir) {
    std::error_code list_ec;
    for (const auto& entry : fs::directory_iterator(dir, list_ec)) {
      if (entry.is_regular_file(list_ec) && IsEventFileName(entry.path().filename().string())) {
        runs.push_back(fs::relative(dir, logdir, list_ec).lexically_normal().string());
        return;
      }
    }
  };
  add_if_run(logdir);
  for (auto it = fs::recursive_directory_iterator(logdir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_directory(ec)) add_if_run(it->path());
  }
  if (ec) return UnknownError(logdir + ": " + ec.message());
  std::sort(runs.begin(), runs.end());
  return runs;
}

Status LoadSummaryTables(const std::string& logdir, const SummaryTablesOptions& options, SummaryTables* tables) {
  *tables = SummaryTables();
  TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<std::string> run_names, FindRuns(logdir));
  if (run_names.empty()) return NotFoundError("no event files found within logdir " + logdir);
  tables->runs.resize(run_names.size());
  for (size_t i = 0; i < run_names.size(); ++i) {
    tables->runs[i].name = run_names[i];
    TFCOMPAT_RETURN_IF_ERROR(LoadRunTables(logdir, options.purge_orphaned_data, options.kinds, &tables->runs[i]));
  }
  if (options.kinds.contains(TableKind::kHParamsMetrics)) {
    tables->metrics = ExperimentMetrics(tables->runs);
    tables->metric_rows = MetricValues(tables->runs, tables->metrics);
  }
  return OkStatus();
}

}  // namespace tfcompat
