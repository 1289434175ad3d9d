// SPDX-License-Identifier: Apache-2.0
#include "summary_reader.h"

#include <nanobind/ndarray.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "errors.h"
#include "summary/summary_tables.h"
#include "tfcompat/summary/event_file_reader.h"
#include "tfcompat/tensorflow/event.pb.h"

namespace nb = nanobind;

namespace tfcompat::python {
namespace {

// A Python str of UTF-8 bytes; bytes that are not UTF-8 become U+FFFD, as
// tbparse's decoding of text does not fail on them either.
nb::str Utf8(std::string_view s) {
  PyObject* str = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
  if (str == nullptr) throw nb::python_error();
  return nb::steal<nb::str>(str);
}

// A 1-D numpy array that owns `values` (moved to the heap, freed with the
// array).
template <typename T>
nb::object ToNumpy(std::vector<T>&& values) {
  auto* owned = new std::vector<T>(std::move(values));
  nb::capsule owner(owned, [](void* p) noexcept { delete static_cast<std::vector<T>*>(p); });
  const size_t shape[1] = {owned->size()};
  return nb::cast(nb::ndarray<nb::numpy, T, nb::ndim<1>>(owned->data(), 1, shape, owner));
}

// The numeric columns of a kind, filled without the GIL.
struct SeriesColumns {
  std::vector<int64_t> rows;  // Per series.
  std::vector<int64_t> step;
  std::vector<double> wall_time;
};

struct ScalarColumns : SeriesColumns {
  std::vector<double> value;
};

struct HistogramColumns : SeriesColumns {
  std::vector<double> min, max, num, sum, sum_squares, limits, counts;
  std::vector<int64_t> limits_end, counts_end;  // Per row: where its list ends in limits, counts.
};

ScalarColumns ScalarColumnsOf(const SummaryTables& tables) {
  ScalarColumns c;
  size_t total = 0;
  for (const RunTables& run : tables.runs) {
    for (const auto& [tag, rows] : run.scalars) total += rows.size();
  }
  c.step.reserve(total);
  c.wall_time.reserve(total);
  c.value.reserve(total);
  for (const RunTables& run : tables.runs) {
    for (const auto& [tag, rows] : run.scalars) {
      c.rows.push_back(static_cast<int64_t>(rows.size()));
      for (const ScalarRow& row : rows) {
        c.step.push_back(row.step);
        c.wall_time.push_back(row.wall_time);
        c.value.push_back(row.value);
      }
    }
  }
  return c;
}

HistogramColumns HistogramColumnsOf(const SummaryTables& tables) {
  HistogramColumns c;
  for (const RunTables& run : tables.runs) {
    for (const auto& [tag, rows] : run.histograms) {
      c.rows.push_back(static_cast<int64_t>(rows.size()));
      for (const HistogramRow& row : rows) {
        c.step.push_back(row.step);
        c.wall_time.push_back(row.wall_time);
        c.min.push_back(row.min);
        c.max.push_back(row.max);
        c.num.push_back(row.num);
        c.sum.push_back(row.sum);
        c.sum_squares.push_back(row.sum_squares);
        c.limits.insert(c.limits.end(), row.limits.begin(), row.limits.end());
        c.counts.insert(c.counts.end(), row.counts.begin(), row.counts.end());
        c.limits_end.push_back(static_cast<int64_t>(c.limits.size()));
        c.counts_end.push_back(static_cast<int64_t>(c.counts.size()));
      }
    }
  }
  return c;
}

// The series of one kind: its run and tag names, once per series, in the
// order of the rows.
template <typename Series>
void AddSeriesNames(const SummaryTables& tables, Series RunTables::*series, nb::dict& out) {
  nb::list runs, tags;
  for (const RunTables& run : tables.runs) {
    const nb::str run_name = Utf8(run.name);
    for (const auto& [tag, rows] : run.*series) {
      runs.append(run_name);
      tags.append(Utf8(tag));
    }
  }
  out["series_run"] = runs;
  out["series_tag"] = tags;
}

void AddSeriesColumns(SeriesColumns&& c, nb::dict& out) {
  out["series_rows"] = ToNumpy(std::move(c.rows));
  out["step"] = ToNumpy(std::move(c.step));
  out["wall_time"] = ToNumpy(std::move(c.wall_time));
}

nb::dict Scalars(const SummaryTables& tables) {
  ScalarColumns c;
  {
    nb::gil_scoped_release release;
    c = ScalarColumnsOf(tables);
  }
  nb::dict out;
  AddSeriesNames(tables, &RunTables::scalars, out);
  out["value"] = ToNumpy(std::move(c.value));
  AddSeriesColumns(std::move(c), out);
  return out;
}

nb::dict Histograms(const SummaryTables& tables) {
  HistogramColumns c;
  {
    nb::gil_scoped_release release;
    c = HistogramColumnsOf(tables);
  }
  nb::dict out;
  AddSeriesNames(tables, &RunTables::histograms, out);
  out["min"] = ToNumpy(std::move(c.min));
  out["max"] = ToNumpy(std::move(c.max));
  out["num"] = ToNumpy(std::move(c.num));
  out["sum"] = ToNumpy(std::move(c.sum));
  out["sum_squares"] = ToNumpy(std::move(c.sum_squares));
  out["limits"] = ToNumpy(std::move(c.limits));
  out["counts"] = ToNumpy(std::move(c.counts));
  out["limits_end"] = ToNumpy(std::move(c.limits_end));
  out["counts_end"] = ToNumpy(std::move(c.counts_end));
  AddSeriesColumns(std::move(c), out);
  return out;
}

nb::dict Text(const SummaryTables& tables) {
  SeriesColumns c;
  nb::list values;
  for (const RunTables& run : tables.runs) {
    for (const auto& [tag, rows] : run.text) {
      c.rows.push_back(static_cast<int64_t>(rows.size()));
      for (const TextRow& row : rows) {
        c.step.push_back(row.step);
        c.wall_time.push_back(row.wall_time);
        values.append(Utf8(row.value));
      }
    }
  }
  nb::dict out;
  AddSeriesNames(tables, &RunTables::text, out);
  out["value"] = values;
  AddSeriesColumns(std::move(c), out);
  return out;
}

nb::object HParamObject(const HParamTableValue& value) {
  if (const double* number = std::get_if<double>(&value)) return nb::float_(*number);
  if (const std::string* text = std::get_if<std::string>(&value)) return Utf8(*text);
  if (const bool* flag = std::get_if<bool>(&value)) return nb::bool_(*flag);
  return nb::none();
}

nb::dict HParams(const SummaryTables& tables) {
  nb::list runs, tags, values;
  for (const RunTables& run : tables.runs) {
    const nb::str run_name = Utf8(run.name);
    for (const HParamRow& row : run.hparams) {
      runs.append(run_name);
      tags.append(Utf8(row.name));
      values.append(HParamObject(row.value));
    }
  }
  nb::dict out;
  out["run"] = runs;
  out["tag"] = tags;
  out["value"] = values;
  return out;
}

nb::dict HParamsMetrics(const SummaryTables& tables) {
  nb::list runs, groups, tags;
  std::vector<int64_t> step;
  std::vector<double> wall_time, value;
  for (const MetricRow& row : tables.metric_rows) {
    runs.append(Utf8(*row.session));
    groups.append(Utf8(row.name->group));
    tags.append(Utf8(row.name->tag));
    step.push_back(row.value.step);
    wall_time.push_back(row.value.wall_time);
    value.push_back(row.value.value);
  }
  nb::dict out;
  out["run"] = runs;
  out["group"] = groups;
  out["tag"] = tags;
  out["step"] = ToNumpy(std::move(step));
  out["wall_time"] = ToNumpy(std::move(wall_time));
  out["value"] = ToNumpy(std::move(value));
  return out;
}

nb::dict ReadTables(const std::string& logdir, const std::vector<std::string>& kinds, bool purge_orphaned_data) {
  SummaryTablesOptions options{.kinds = {}, .purge_orphaned_data = purge_orphaned_data};
  for (const std::string& name : kinds) {
    const std::optional<TableKind> kind = TableKindFromName(name);
    if (!kind) {
      std::string message = "unknown kind '";
      message.append(name).append("' (scalars, histograms, text, hparams or hparams_metrics)");
      ThrowIfError(InvalidArgumentError(message));
    }
    options.kinds.insert(*kind);
  }
  auto tables = std::make_unique<SummaryTables>();
  {
    nb::gil_scoped_release release;
    ThrowIfError(LoadSummaryTables(logdir, options, tables.get()));
  }
  nb::dict out;
  for (const TableKind kind : options.kinds) {
    nb::dict columns;
    switch (kind) {
      case TableKind::kScalars:
        columns = Scalars(*tables);
        break;
      case TableKind::kHistograms:
        columns = Histograms(*tables);
        break;
      case TableKind::kText:
        columns = Text(*tables);
        break;
      case TableKind::kHParams:
        columns = HParams(*tables);
        break;
      case TableKind::kHParamsMetrics:
        columns = HParamsMetrics(*tables);
        break;
    }
    out[TableKindName(kind)] = columns;
  }
  // Millions of rows are freed without the GIL too.
  {
    nb::gil_scoped_release release;
    tables.reset();
  }
  return out;
}

// The string of a text summary value (its first; a table's cells are
// not joined here), parsed from the serialized event.
std::optional<std::string> TextOf(const tensorflow::Event& event, const std::string& tag) {
  for (const auto& v : event.summary().value()) {
    if (v.tag() == tag && v.tensor().string_val_size() > 0) return v.tensor().string_val(0);
  }
  return std::nullopt;
}

// The events of one file; __next__ returns (wall_time, step, kind,
// [(tag, kind, value)]) where value is a scalar's float, a text's str, or
// None.
class EventFile {
 public:
  explicit EventFile(const std::string& path) {
    nb::gil_scoped_release release;
    reader_ = ValueOrThrow(EventFileReader::Open(path));
  }

  nb::tuple Next() {
    Status s;
    {
      nb::gil_scoped_release release;
      s = reader_->ReadEvent(&event_);
    }
    if (s.code() == StatusCode::kOutOfRange) throw nb::stop_iteration();
    ThrowIfError(s);
    nb::list values;
    std::optional<tensorflow::Event> parsed;
    for (const SummaryValueView& v : event_.values) {
      nb::object value = nb::none();
      if (v.kind == ValueKind::kScalar) {
        value = nb::float_(v.scalar);
      } else if (v.kind == ValueKind::kText) {
        if (!parsed) {
          parsed.emplace();
          if (!parsed->ParseFromString(event_.serialized)) parsed->Clear();
        }
        if (std::optional<std::string> text = TextOf(*parsed, v.tag)) value = Utf8(*text);
      }
      values.append(nb::make_tuple(Utf8(v.tag), ValueKindName(v.kind), value));
    }
    return nb::make_tuple(event_.wall_time, event_.step, EventKindName(event_.kind), values);
  }

  const std::string& path() const { return reader_->path(); }

 private:
  std::unique_ptr<EventFileReader> reader_;
  EventView event_;
};

}  // namespace

void RegisterSummaryReader(nb::module_& m) {
  m.def("_read_tables", &ReadTables, nb::arg("logdir"), nb::arg("kinds"), nb::arg("purge_orphaned_data"),
        "The tables of LOGDIR's runs, a dict of columns per kind (see tfcompat.summary.read).");
  nb::class_<EventFile>(m, "_EventFile", "The events of one event file (see tfcompat.summary.events).")
      .def(nb::init<const std::string&>(), nb::arg("path"))
      .def("__iter__", [](nb::handle self) { return self; })
      .def("__next__", &EventFile::Next)
      .def_prop_ro("path", &EventFile::path);
}

}  // namespace tfcompat::python
