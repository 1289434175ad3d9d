// SPDX-License-Identifier: Apache-2.0
// SummaryTables (internal): every run of a logdir as long tables, one per
// kind, in tbparse's layout: what `event_tool export` writes and
// tfcompat.summary.read returns.
//
//   SummaryTables tables;
//   TFCOMPAT_RETURN_IF_ERROR(LoadSummaryTables("logs", {.kinds = {TableKind::kScalars}}, &tables));
//   for (const RunTables& run : tables.runs)
//     for (const auto& [tag, rows] : run.scalars)
//       for (const ScalarRow& row : rows) ...  // run.name, tag, row.step, row.wall_time, row.value
//
// A run is a directory under the logdir holding event files (FindRuns), read
// through RunReader: in TensorBoard's file order, without what a restart
// purges unless told otherwise. Each tag's rows are in step order (ties in
// the order read). The kinds and their rows:
//   scalars:         run, tag, step, wall_time, value
//   histograms:      run, tag, step, wall_time, min, max, num, sum, sum_squares, limits, counts
//   text:            run, tag, step, wall_time, value
//   hparams:         run, tag (the hparam's name), value (a number, string or bool)
//   hparams_metrics: run (a session), group, tag, step, wall_time, value
// Runs by name, tags by name within a run; hparams by name; hparams_metrics
// by session, then metric (the HParams dashboard's values; see
// summary_tables.cc).
#ifndef TFCOMPAT_SRC_SUMMARY_SUMMARY_TABLES_H_
#define TFCOMPAT_SRC_SUMMARY_SUMMARY_TABLES_H_

#include <cstdint>
#include <cstdlib>
#include <map>
#include <new>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "summary/tag_map.h"
#include "tfcompat/base/status.h"

namespace tfcompat {

enum class TableKind { kScalars, kHistograms, kText, kHParams, kHParamsMetrics };
inline constexpr TableKind kTableKinds[] = {TableKind::kScalars, TableKind::kHistograms, TableKind::kText,
                                            TableKind::kHParams, TableKind::kHParamsMetrics};

// "scalars", "histograms", "text", "hparams", "hparams_metrics".
const char* TableKindName(TableKind kind);
// The kind of that name; nullopt for any other.
std::optional<TableKind> TableKindFromName(std::string_view name);

struct ScalarRow {
  int64_t step;
  double wall_time;
  double value;
  bool is_double;  // Stored as a double (a DT_DOUBLE tensor) rather than a float32.
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
  size_t size() const { return size_; }
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
// edge of the first in front, and the counts with a 0 in front. A
// histograms-plugin tensor ([k, 3]: left, right, count) has min and max its
// first and last edge, num its total count, sum and sum_squares NaN.
struct HistogramRow {
  int64_t step;
  double wall_time;
  double min, max, num, sum, sum_squares;
  std::vector<double> limits, counts;
};

// A text summary's first string; a table's cells as a JSON array, row by
// row. A tag ending in "/text_summary" (tensorboardX, PyTorch) is filed
// without that suffix, as tbparse does.
struct TextRow {
  int64_t step;
  double wall_time;
  std::string value;
};

// An hparam's value: none (protobuf's null, list or struct), a number, a
// string or a bool.
using HParamTableValue = std::variant<std::monostate, double, std::string, bool>;

struct HParamRow {
  std::string name;
  HParamTableValue value;
};

// A metric of the HParams dashboard: a scalar tag of run
// "<session run>/<group>".
struct MetricName {
  std::string group, tag;
};

struct RunTables {
  std::string name;  // Relative to the logdir; "." for the logdir itself.
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

// A row of hparams_metrics: a session's value of a metric. The pointers are
// into the SummaryTables holding the row.
struct MetricRow {
  const std::string* session;
  const MetricName* name;
  ScalarRow value;
};

struct SummaryTables {
  std::vector<RunTables> runs;  // By name.
  std::vector<MetricName> metrics;
  std::vector<MetricRow> metric_rows;  // hparams_metrics.
};

struct SummaryTablesOptions {
  // The kinds to load; the tables of the others stay empty.
  std::set<TableKind> kinds = {std::begin(kTableKinds), std::end(kTableKinds)};
  // TensorBoard's --purge_orphaned_data (RunReaderOptions).
  bool purge_orphaned_data = true;
};

// The runs under `logdir` (relative names, "." for itself), sorted by name:
// the directories directly holding an event file. NotFound if `logdir` is
// not a directory; an empty list if it holds no event file.
StatusOr<std::vector<std::string>> FindRuns(const std::string& logdir);

// Reads every run of `logdir` into `*tables` (replacing what it held).
// NotFound if `logdir` is not a directory or holds no event file; DataLoss
// naming the file and offset for a corrupt record, or the run, tag and step
// of a value that is not what its kind needs. A partial last record of a
// file (one still being written) ends that file.
[[nodiscard]] Status LoadSummaryTables(const std::string& logdir, const SummaryTablesOptions& options,
                                       SummaryTables* tables);

}  // namespace tfcompat

#endif  // TFCOMPAT_SRC_SUMMARY_SUMMARY_TABLES_H_
