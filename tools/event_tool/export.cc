// SPDX-License-Identifier: Apache-2.0
// export: every run and tag of a logdir as long tables, one per kind.
//
// Reading: the tables come from LoadSummaryTables (src/summary/
// summary_tables.h), which reads each run with RunReader; tfcompat.summary.read
// makes its DataFrames from the same tables. Writing: rows are formatted into
// one large buffer handed to the output in pieces of about a megabyte.
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cstring>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli.h"
#include "event_data.h"
#include "io/file.h"
#include "number_format.h"
#include "subcommands.h"
#include "summary/summary_tables.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::event_tool {
namespace {

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

std::vector<Column> ColumnsOf(TableKind kind) {
  switch (kind) {
    case TableKind::kScalars:
    case TableKind::kText:
      return {kRun, kTag, kStep, kWallTime, kValue};
    case TableKind::kHistograms:
      return {kRun, kTag, kStep, kWallTime, kMin, kMax, kNum, kSum, kSumSquares, kLimits, kCounts};
    case TableKind::kHParams:
      return {kRun, kTag, kValue};
    case TableKind::kHParamsMetrics:
      return {kRun, kGroup, kTag, kStep, kWallTime, kValue};
  }
  return {};
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

  TableWriter(bool json, const std::vector<TableKind>& kinds, Sink sink)
      : json_(json), sink_(std::move(sink)), out_(kFlushSize + (64 << 10)) {
    std::vector<bool> used(std::size(kColumnNames), false);
    used[kKindColumn] = kinds.size() > 1;
    for (TableKind kind : kinds) {
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

  void BeginKind(TableKind kind) {
    kind_ = kind;
    if (!json_) return;
    if (kinds_begun_++ > 0) out_.Append(',');
    out_.Append('"');
    out_.Append(TableKindName(kind));
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
      out_.Append(TableKindName(kind_));
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
  TableKind kind_ = TableKind::kScalars;
  size_t next_ = 0;  // Index (CSV) or count (JSON) of the row's next field.
  int kinds_begun_ = 0;
  int64_t rows_of_kind_ = 0;
};

void WriteHParamValue(TableWriter& writer, const HParamTableValue& value) {
  if (const double* number = std::get_if<double>(&value)) {
    writer.Number(kValue, *number);
  } else if (const std::string* text = std::get_if<std::string>(&value)) {
    writer.String(kValue, Text(*text));
  } else if (const bool* flag = std::get_if<bool>(&value)) {
    writer.Field(kValue, [flag](OutputBuffer* out, bool) { out->Append(*flag ? "true" : "false"); });
  } else {  // No value: an empty CSV field, JSON null.
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

Status WriteKind(TableKind kind, const SummaryTables& tables, TableWriter& writer) {
  writer.BeginKind(kind);
  if (kind == TableKind::kHParamsMetrics) {
    TFCOMPAT_RETURN_IF_ERROR(WriteMetrics(tables.metric_rows, writer));
    writer.EndKind();
    return OkStatus();
  }
  for (const RunTables& run : tables.runs) {
    const Text run_name(run.name);
    if (kind == TableKind::kHParams) {
      for (const HParamRow& row : run.hparams) {
        writer.BeginRow();
        writer.String(kRun, run_name);
        writer.String(kTag, Text(row.name));
        WriteHParamValue(writer, row.value);
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
    if (kind == TableKind::kScalars) {
      for (const auto& [tag_name, rows] : run.scalars) {
        const TableWriter::ScalarTemplate row_template = writer.MakeScalarTemplate(run_name, Text(tag_name));
        for (const ScalarRow& row : rows) TFCOMPAT_RETURN_IF_ERROR(writer.WriteScalarRow(row_template, row));
      }
    } else if (kind == TableKind::kHistograms) {
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

// A device, FIFO or socket (/dev/null, /dev/stdout, a named pipe) that
// `-o` names is written as it is: renaming a file over it would replace it.
bool IsSpecialFile(const std::string& path) {
  struct stat st {};
  return !path.empty() && ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
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
  sub->add_option("-o,--output", options->output,
                  "Write to this file (atomically; a device or FIFO as it is) rather than stdout");
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
  SummaryTablesOptions load_options{.kinds = {}, .purge_orphaned_data = options.purge_orphaned_data};
  for (const std::string& name : options.kinds) {
    const std::optional<TableKind> kind = TableKindFromName(name);
    if (!kind) {
      return cli::ReportError(kTool, InvalidArgumentError("unknown kind '" + name + "'"), err, cli::kExitUsage);
    }
    load_options.kinds.insert(*kind);
  }
  // In the order of kTableKinds, whatever the order given.
  const std::vector<TableKind> kinds(load_options.kinds.begin(), load_options.kinds.end());
  if (kinds.empty()) return cli::ReportError(kTool, InvalidArgumentError("no kind to export"), err, cli::kExitUsage);

  SummaryTables tables;
  if (Status s = LoadSummaryTables(options.logdir, load_options, &tables); !s.ok()) {
    return cli::ReportError(kTool, s, err);
  }

  std::unique_ptr<AtomicFileWriter> file;
  std::ofstream special;
  std::ostream* stream = &out;
  TableWriter::Sink sink = [&stream](std::string_view data) {
    stream->write(data.data(), static_cast<std::streamsize>(data.size()));
    return *stream ? OkStatus() : UnknownError("writing the output failed");
  };
  if (IsSpecialFile(options.output)) {
    special.open(options.output, std::ios::binary);
    if (!special) return cli::ReportError(kTool, UnknownError(options.output + ": cannot open for writing"), err);
    stream = &special;
  } else if (!options.output.empty()) {
    auto created = AtomicFileWriter::Create(Env::Default(), options.output);
    if (!created.ok()) return cli::ReportError(kTool, created.status(), err);
    file = std::move(*created);
    sink = [&file](std::string_view data) { return file->Append(data); };
  }
  TableWriter writer(options.format == "json", kinds, sink);
  Status s;
  for (TableKind kind : kinds) {
    s = WriteKind(kind, tables, writer);
    if (!s.ok()) break;
  }
  if (s.ok()) s = writer.Finish();
  if (s.ok() && file != nullptr) s = file->Commit();
  if (s.ok() && special.is_open() && !special.flush()) s = UnknownError("writing the output failed");
  if (!s.ok()) return cli::ReportError(kTool, s, err);
  return cli::kExitOk;
}

}  // namespace tfcompat::event_tool
