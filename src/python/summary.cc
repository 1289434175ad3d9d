// SPDX-License-Identifier: Apache-2.0
#include "summary.h"

#include <nanobind/ndarray.h>
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/string_view.h>
#include <nanobind/stl/vector.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "errors.h"
#include "tfcompat/summary/summary_writer.h"

namespace nb = nanobind;

namespace tfcompat::python {
namespace {

// Values to bucket: summary.py passes a flat float64 copy of the caller's data.
using InputDoubles = nb::ndarray<const double, nb::ndim<1>, nb::c_contig, nb::device::cpu>;
// An image: height x width x channels bytes, as summary.py makes it.
using InputImage = nb::ndarray<const uint8_t, nb::ndim<3>, nb::c_contig, nb::device::cpu>;
// Audio: frames x channels floats in [-1, 1].
using InputAudio = nb::ndarray<const float, nb::ndim<2>, nb::c_contig, nb::device::cpu>;
// PR-curve labels (0 or 1) and predictions in [0, 1].
using InputLabels = nb::ndarray<const uint8_t, nb::ndim<1>, nb::c_contig, nb::device::cpu>;
using InputFloats = nb::ndarray<const float, nb::ndim<1>, nb::c_contig, nb::device::cpu>;
// An embedding: rows x dim floats.
using InputMatrix = nb::ndarray<const float, nb::ndim<2>, nb::c_contig, nb::device::cpu>;
// Custom scalars: [(category title, [(chart title, [tag regexes])])].
using InputLayout = std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::vector<std::string>>>>>;

// An hparam value: a bool, a str, or anything float() takes (as tensorboardX).
HParamValue ToHParamValue(const std::string& name, nb::handle value) {
  if (PyBool_Check(value.ptr())) return value.ptr() == Py_True;
  if (nb::isinstance<nb::str>(value)) return nb::cast<std::string>(value);
  try {
    return nb::cast<double>(value);
  } catch (const nb::cast_error&) {
    std::string message = "hparam ";
    message.append(name).append(": expected a bool, str, int or float, got ");
    message.append(nb::type_name(value.type()).c_str());
    ThrowIfError(InvalidArgumentError(message));
  }
  return false;
}

// tensorboardX writes an event without a step as step 0 (the field unset).
int64_t StepOrZero(const std::optional<int64_t>& step) { return step.value_or(0); }

// The wall time of an event other than a scalar is the time it is added; an
// explicit one is not supported yet, and is refused rather than dropped.
void CheckNoWalltime(const nb::handle& walltime) {
  if (!walltime.is_none()) {
    ThrowIfError(UnimplementedError("walltime: events are stamped with the time they are added"));
  }
}

class PySummaryWriter {
 public:
  PySummaryWriter(const std::string& logdir, int max_queue, double flush_secs, const std::string& filename_suffix) {
    if (max_queue < 1) ThrowIfError(InvalidArgumentError("max_queue must be positive"));
    if (!(flush_secs > 0)) ThrowIfError(InvalidArgumentError("flush_secs must be positive"));
    SummaryWriterOptions options;
    options.max_queue = max_queue;
    options.flush_secs = flush_secs;
    options.filename_suffix = filename_suffix;
    nb::gil_scoped_release release;
    writer_ = ValueOrThrow(SummaryWriter::Create(logdir, options));
  }

  SummaryWriter& writer() { return *writer_; }

 private:
  std::unique_ptr<SummaryWriter> writer_;
};

}  // namespace

void RegisterSummary(nb::module_& m) {
  nb::class_<PySummaryWriter>(m, "_SummaryWriter",
                              "One event file in LOGDIR (the C++ SummaryWriter); see tfcompat.SummaryWriter.")
      .def(nb::init<const std::string&, int, double, const std::string&>(), nb::arg("logdir"),
           nb::arg("max_queue") = 10, nb::arg("flush_secs") = 120.0, nb::arg("filename_suffix") = "")
      .def(
          "add_scalar",
          [](PySummaryWriter& self, std::string_view tag, double scalar_value, std::optional<int64_t> global_step,
             std::optional<double> walltime) {
            const float value = static_cast<float>(scalar_value);
            if (walltime) {
              ThrowIfError(self.writer().AddScalar(tag, value, StepOrZero(global_step), *walltime));
            } else {
              ThrowIfError(self.writer().AddScalar(tag, value, StepOrZero(global_step)));
            }
          },
          nb::arg("tag"), nb::arg("scalar_value"), nb::arg("global_step") = nb::none(),
          nb::arg("walltime") = nb::none(),
          "Adds a scalar (a simple_value, as tensorboardX writes it) at GLOBAL_STEP (0 when None), stamped "
          "WALLTIME (seconds since the epoch; the time of the call when None).")
      .def(
          "add_text",
          [](PySummaryWriter& self, std::string_view tag, std::string_view text_string,
             std::optional<int64_t> global_step, nb::handle walltime) {
            CheckNoWalltime(walltime);
            // tensorboardX's (and PyTorch's) tag for text.
            std::string text_tag(tag);
            text_tag.append("/text_summary");
            ThrowIfError(self.writer().AddText(text_tag, text_string, StepOrZero(global_step)));
          },
          nb::arg("tag"), nb::arg("text_string"), nb::arg("global_step") = nb::none(), nb::arg("walltime") = nb::none(),
          "Adds Markdown text (plugin \"text\") as TAG/text_summary, as tensorboardX.")
      .def(
          "_add_histogram_values",
          [](PySummaryWriter& self, std::string_view tag, InputDoubles values, int64_t step) {
            const std::span<const double> data(values.data(), values.shape(0));
            ThrowIfError(self.writer().AddHistogram(tag, HistogramData::FromValues(data), step));
          },
          nb::arg("tag"), nb::arg("values"), nb::arg("step"),
          "A HistogramProto of VALUES in TensorFlow's default exponential buckets.")
      .def(
          "_add_histogram_buckets",
          [](PySummaryWriter& self, std::string_view tag, double min, double max, double num, double sum,
             double sum_squares, std::vector<double> bucket_limits, std::vector<double> bucket_counts, int64_t step) {
            HistogramData histogram;
            histogram.min = min;
            histogram.max = max;
            histogram.num = num;
            histogram.sum = sum;
            histogram.sum_squares = sum_squares;
            histogram.bucket_limits = std::move(bucket_limits);
            histogram.bucket_counts = std::move(bucket_counts);
            ThrowIfError(self.writer().AddHistogram(tag, histogram, step));
          },
          nb::arg("tag"), nb::arg("min"), nb::arg("max"), nb::arg("num"), nb::arg("sum"), nb::arg("sum_squares"),
          nb::arg("bucket_limits"), nb::arg("bucket_counts"), nb::arg("step"),
          "A HistogramProto from its statistics and buckets.")
      .def(
          "_add_image",
          [](PySummaryWriter& self, std::string_view tag, InputImage pixels, int64_t step) {
            ImageU8 image;
            image.height = static_cast<int>(pixels.shape(0));
            image.width = static_cast<int>(pixels.shape(1));
            image.channels = static_cast<int>(pixels.shape(2));
            image.pixels = std::span<const uint8_t>(pixels.data(), pixels.size());
            ThrowIfError(self.writer().AddImage(tag, image, step));
          },
          nb::arg("tag"), nb::arg("pixels"), nb::arg("step"), "A PNG of height x width x channels bytes.")
      .def(
          "_add_audio",
          [](PySummaryWriter& self, std::string_view tag, InputAudio samples, int sample_rate, int64_t step) {
            const std::span<const float> data(samples.data(), samples.size());
            ThrowIfError(self.writer().AddAudio(tag, data, static_cast<int>(samples.shape(1)), sample_rate, step));
          },
          nb::arg("tag"), nb::arg("samples"), nb::arg("sample_rate"), nb::arg("step"),
          "A 16-bit WAV clip of frames x channels samples.")
      .def(
          "_add_pr_curve",
          [](PySummaryWriter& self, std::string_view tag, InputLabels labels, InputFloats predictions, int64_t step,
             int num_thresholds) {
            ThrowIfError(self.writer().AddPrCurve(tag, std::span<const uint8_t>(labels.data(), labels.shape(0)),
                                                  std::span<const float>(predictions.data(), predictions.shape(0)),
                                                  step, num_thresholds));
          },
          nb::arg("tag"), nb::arg("labels"), nb::arg("predictions"), nb::arg("step"), nb::arg("num_thresholds"),
          "A PR curve (plugin \"pr_curves\") from binary labels and predictions in [0, 1].")
      .def(
          "_add_embedding",
          [](PySummaryWriter& self, std::string_view tag, InputMatrix mat, int64_t step,
             const std::vector<std::string>& labels) {
            ThrowIfError(self.writer().AddEmbedding(tag, static_cast<int>(mat.shape(0)), static_cast<int>(mat.shape(1)),
                                                    std::span<const float>(mat.data(), mat.size()), step, labels));
          },
          nb::arg("tag"), nb::arg("mat"), nb::arg("step"), nb::arg("labels"),
          "The Projector's files of a rows x dim matrix (and one label per row, or none).")
      .def(
          "_add_custom_scalars",
          [](PySummaryWriter& self, const InputLayout& categories) {
            CustomScalarLayout layout;
            for (const auto& [title, charts] : categories) {
              CustomScalarLayout::Category& category = layout.categories.emplace_back();
              category.title = title;
              for (const auto& [chart_title, regexes] : charts) {
                category.charts.push_back(CustomScalarLayout::Chart{chart_title, regexes});
              }
            }
            ThrowIfError(self.writer().AddCustomScalarsLayout(layout));
          },
          nb::arg("categories"), "The custom-scalars dashboard's layout of multiline charts.")
      .def(
          "_add_hparams_start",
          [](PySummaryWriter& self, const std::vector<std::pair<std::string, nb::object>>& hparams,
             const std::map<std::string, std::vector<nb::object>>& domains, const std::vector<std::string>& metrics) {
            HParamsExperiment experiment;
            std::map<std::string, HParamValue> values;
            for (const auto& [name, value] : hparams) {
              HParamsExperiment::HParam& hparam = experiment.hparams.emplace_back();
              hparam.name = name;
              if (auto it = domains.find(name); it != domains.end()) {
                for (const nb::object& d : it->second) hparam.domain.push_back(ToHParamValue(name, d));
              }
              values[name] = ToHParamValue(name, value);
            }
            for (const std::string& tag : metrics) experiment.metrics.push_back({.tag = tag});
            ThrowIfError(self.writer().AddHParamsExperiment(experiment));
            ThrowIfError(self.writer().AddHParamsSessionStart(values));
          },
          nb::arg("hparams"), nb::arg("domains"), nb::arg("metrics"),
          "The HParams experiment of these hparams and metric tags, and this run as its session.")
      .def(
          "_add_hparams_end",
          [](PySummaryWriter& self) {
            ThrowIfError(self.writer().AddHParamsSessionEnd(HParamsSessionStatus::kSuccess));
          },
          "Ends the HParams session (status success).")
      .def(
          "_add_session_start",
          [](PySummaryWriter& self, int64_t step) { ThrowIfError(self.writer().AddSessionStart(step)); },
          nb::arg("step"), "SessionLog START at STEP: TensorBoard drops older values at steps >= STEP.")
      .def(
          "flush", [](PySummaryWriter& self) { ThrowIfError(self.writer().Flush()); },
          nb::call_guard<nb::gil_scoped_release>(), "Writes every queued event to the file.")
      .def(
          "close", [](PySummaryWriter& self) { ThrowIfError(self.writer().Close()); },
          nb::call_guard<nb::gil_scoped_release>(), "Flushes and closes the file; later calls return the same result.")
      .def_prop_ro(
          "path", [](PySummaryWriter& self) { return self.writer().path(); }, "The event file's path.")
      .def_prop_ro(
          "logdir", [](PySummaryWriter& self) { return self.writer().logdir(); }, "The run directory.");
}

}  // namespace tfcompat::python
