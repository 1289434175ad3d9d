// SPDX-License-Identifier: Apache-2.0
// SummaryWriter: writes TensorBoard event files that TensorBoard 2.x shows
// completely, with no TensorFlow in the process.
//
// Usage:
//   const std::vector<double> weights = {0.1, -0.3, 0.7};
//   TFCOMPAT_ASSIGN_OR_RETURN(auto writer, tfcompat::SummaryWriter::Create("logs/train"));
//   for (int64_t step = 0; step < 1000; ++step) {
//     const float loss = 1.0f / static_cast<float>(step + 1);
//     TFCOMPAT_RETURN_IF_ERROR(writer->AddScalar("loss", loss, step));
//     if (step % 100 == 0) TFCOMPAT_RETURN_IF_ERROR(writer->AddHistogram("weights", weights, step));
//   }
//   return writer->Close();
//
// Every Add* of a step takes the tag, then the data, then the step, then
// any optional arguments, as tensorboardX's add_scalar(tag, scalar_value,
// global_step) and TF 2's tf.summary.scalar(name, data, step) do.
//
// On disk, one writer is one file in its run directory (`logdir`):
//
//   logs/train/events.out.tfevents.1764100800.myhost.4242.0
//              `----------------' `--------' `----' `--' `-'[suffix]
//               prefix TB needs   %010d secs  host   pid  process-wide counter
//
// so that writers never collide and file names sort in creation order. The
// first record is Event{wall_time, file_version: "brain.Event:2",
// source_metadata}, written at once. Every other record is queued: a
// background thread writes the queue when it holds `max_queue` events, every
// `flush_secs`, on Flush() and on Close() (or destruction). Each record
// reaches the file whole, in one write(). The Projector's files
// (projector_config.pbtxt, tensors and labels) are written into `logdir`
// by AddEmbedding.
//
// Errors: an I/O error of the background thread (ENOSPC, EIO, ...) is kept
// and returned by the next Add*, Flush() or Close(); every later call
// returns it too. Bad arguments are InvalidArgument and do not poison the
// writer. All methods are safe to call from several threads.
#ifndef TFCOMPAT_SUMMARY_SUMMARY_WRITER_H_
#define TFCOMPAT_SUMMARY_SUMMARY_WRITER_H_

#include <concepts>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tfcompat/base/status.h"

namespace tfcompat {

struct SummaryWriterOptions {
  // Queued events that make the background thread write (TF's max_queue).
  // While the thread is writing, callers keep queueing, and under a flood
  // of events one write carries every batch that is ready (the thread
  // pauses about 55 microseconds between such writes). A caller blocks only while
  // about `max_pending_bytes` of records (or 256 batches) wait, which
  // bounds memory when the disk falls behind.
  int max_queue = 10;
  size_t max_pending_bytes = size_t{1} << 20;
  // Seconds between periodic writes of the queue (TF's flush_secs).
  double flush_secs = 120.0;
  // Appended to the file name (TF 2 uses ".v2").
  std::string filename_suffix;
};

// An image in row-major height x width x channels order; channels is 1
// (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA).
struct ImageU8 {
  int height = 0;
  int width = 0;
  int channels = 0;
  std::span<const uint8_t> pixels;
};

// The same with float pixels in [0, 1]; they are scaled to 0..255 and
// rounded, values outside [0, 1] saturate (as tf.image.convert_image_dtype).
struct ImageF32 {
  int height = 0;
  int width = 0;
  int channels = 0;
  std::span<const float> pixels;
};

// A histogram already in buckets, written as TF's HistogramProto (what
// tf.compat.v1.summary.histogram writes). bucket_limits[i] is the right edge
// of bucket i; the left edge of bucket 0 is -DBL_MAX.
struct HistogramData {
  double min = 0;
  double max = 0;
  double num = 0;
  double sum = 0;
  double sum_squares = 0;
  std::vector<double> bucket_limits;
  std::vector<double> bucket_counts;

  // TensorFlow's default exponential buckets (+-1e-12 * 1.1^k, 0 and
  // +-DBL_MAX), runs of empty buckets collapsed as TF does, with exact
  // min/max/num/sum/sum_squares of `values`.
  static HistogramData FromValues(std::span<const double> values);
};

// An hparam value: a number, a string or a bool.
using HParamValue = std::variant<double, std::string, bool>;

// The HParams dashboard's experiment: the hparams and metrics to show.
struct HParamsExperiment {
  struct HParam {
    std::string name;
    std::string display_name;
    std::string description;
    // The values it takes (discrete domain), or empty.
    std::vector<HParamValue> domain;
  };
  struct Metric {
    // A scalar tag, read from run `<session run>/<group>` (group "" = the
    // session's own run).
    std::string tag;
    std::string group;
    std::string display_name;
    std::string description;
  };
  std::vector<HParam> hparams;
  std::vector<Metric> metrics;
  std::string description;
};

// How a session ended, as the HParams dashboard shows it.
enum class HParamsSessionStatus { kUnknown = 0, kSuccess = 1, kFailure = 2, kRunning = 3 };

// The custom-scalars dashboard: categories of charts, each chart drawing
// the tags that match its regular expressions.
struct CustomScalarLayout {
  struct Chart {
    std::string title;
    std::vector<std::string> tag_regexes;
  };
  struct Category {
    std::string title;
    std::vector<Chart> charts;
    bool closed = false;
  };
  std::vector<Category> categories;
};

class SummaryWriter {
 public:
  // Creates `logdir` (and parents) and a new event file in it.
  [[nodiscard]] static StatusOr<std::unique_ptr<SummaryWriter>> Create(const std::string& logdir,
                                                                       const SummaryWriterOptions& options = {});

  // Close()s; an error is then lost, so call Close() to see it.
  ~SummaryWriter();
  SummaryWriter(const SummaryWriter&) = delete;
  SummaryWriter& operator=(const SummaryWriter&) = delete;

  // --- Scalars ---------------------------------------------------------
  // A `simple_value` scalar, as TF 1 and tensorboardX write it: the
  // fastest form (42-44 bytes for a short tag) and the one legacy readers
  // (EventAccumulator.Scalars, tbparse) see.
  [[nodiscard]] Status AddScalar(std::string_view tag, float value, int64_t step);
  // The same, stamped with `wall_time` (seconds since the epoch) instead of
  // the time of the call, as tensorboardX's add_scalar(..., walltime).
  [[nodiscard]] Status AddScalar(std::string_view tag, float value, int64_t step, double wall_time);
  // The tensor form tf.summary.scalar writes (rank-0 DT_FLOAT, plugin
  // "scalars").
  [[nodiscard]] Status AddScalarTensor(std::string_view tag, float value, int64_t step);
  // An integer where the value goes and a floating-point number where the
  // step goes is a call with its arguments swapped (step, then loss): both
  // would convert silently and the loss be written as the step. These make
  // it a compile error; an integer value with an integer step (a count)
  // still compiles.
  template <std::integral Step, std::floating_point Value>
  Status AddScalar(std::string_view tag, Step step, Value value) = delete;
  template <std::integral Step, std::floating_point Value>
  Status AddScalar(std::string_view tag, Step step, Value value, double wall_time) = delete;
  template <std::integral Step, std::floating_point Value>
  Status AddScalarTensor(std::string_view tag, Step step, Value value) = delete;

  // --- Histograms ------------------------------------------------------
  // TensorBoard's default bucketing of raw values (tf.summary.histogram:
  // `bucket_count` equal-width buckets from min to max; a [k, 3] DT_DOUBLE
  // tensor of (left, right, count), plugin "histograms"). InvalidArgument
  // for a NaN or infinite value.
  [[nodiscard]] Status AddHistogram(std::string_view tag, std::span<const double> values, int64_t step,
                                    int bucket_count = 30);
  // A pre-bucketed histogram (HistogramProto). InvalidArgument if the
  // limits and counts differ in length, the limits are not increasing or a
  // statistic is NaN (as TF's "Nan in summary histogram").
  [[nodiscard]] Status AddHistogram(std::string_view tag, const HistogramData& histogram, int64_t step);

  // --- Images (PNG-encoded; plugin "images") ---------------------------
  [[nodiscard]] Status AddImage(std::string_view tag, const ImageU8& image, int64_t step);
  [[nodiscard]] Status AddImage(std::string_view tag, const ImageF32& image, int64_t step);
  // A batch shown as one tag with several samples; all must share height
  // and width.
  [[nodiscard]] Status AddImages(std::string_view tag, std::span<const ImageU8> images, int64_t step);

  // --- Audio (16-bit PCM WAV; plugin "audio") --------------------------
  // `samples` are interleaved frames of `channels` floats in [-1, 1]
  // (outside values saturate). One clip per call (a [1] string tensor, as
  // tf.summary.audio writes; TensorBoard 2.x no longer shows labels).
  [[nodiscard]] Status AddAudio(std::string_view tag, std::span<const float> samples, int channels, int sample_rate,
                                int64_t step);

  // --- String tensors (no plugin) -------------------------------------
  // A scalar string tensor without plugin metadata, as Estimator.evaluate
  // writes `checkpoint_path` (TensorBoard keeps it; no dashboard shows it).
  [[nodiscard]] Status AddStringTensor(std::string_view tag, std::string_view value, int64_t step);

  // --- Text (Markdown; plugin "text") ---------------------------------
  [[nodiscard]] Status AddText(std::string_view tag, std::string_view markdown, int64_t step);
  // A table: `cells` holds rows x cols strings, row-major.
  [[nodiscard]] Status AddTextTable(std::string_view tag, int rows, int cols, std::span<const std::string> cells,
                                    int64_t step);

  // --- Graph ----------------------------------------------------------
  // A serialized tensorflow.GraphDef for the Graphs dashboard
  // (Event.graph_def). InvalidArgument if the bytes do not parse.
  [[nodiscard]] Status AddGraph(std::string_view serialized_graph_def);

  // --- HParams --------------------------------------------------------
  // The experiment (usually once, in the parent run of the sessions).
  [[nodiscard]] Status AddHParamsExperiment(const HParamsExperiment& experiment);
  // This run is one session with these hparams; its scalars are the metrics.
  [[nodiscard]] Status AddHParamsSessionStart(const std::map<std::string, HParamValue>& hparams,
                                              std::string_view group_name = {});
  [[nodiscard]] Status AddHParamsSessionEnd(HParamsSessionStatus status);

  // --- PR curves (plugin "pr_curves") ---------------------------------
  // From binary labels and predictions in [0, 1], as TensorBoard's
  // pr_curve summary computes it (counts at `num_thresholds` thresholds).
  [[nodiscard]] Status AddPrCurve(std::string_view tag, std::span<const uint8_t> labels,
                                  std::span<const float> predictions, int64_t step, int num_thresholds = 127);

  // --- Projector -------------------------------------------------------
  // `values` holds rows x dim floats, row-major; `labels` is empty or has
  // one label per row. Writes <logdir>/<step %05d>/<tag>/tensors.tsv and
  // metadata.tsv and rewrites <logdir>/projector_config.pbtxt listing every
  // embedding this writer added.
  [[nodiscard]] Status AddEmbedding(std::string_view tag, int rows, int dim, std::span<const float> values,
                                    int64_t step, std::span<const std::string> labels = {});

  // --- Custom scalars --------------------------------------------------
  [[nodiscard]] Status AddCustomScalarsLayout(const CustomScalarLayout& layout);

  // --- Session log -------------------------------------------------------
  // SessionLog{START} at `step`: tells TensorBoard the run restarted there
  // (it drops older values at steps >= `step`, unless this is the run's
  // first START: run_reader.h).
  [[nodiscard]] Status AddSessionStart(int64_t step);
  // SessionLog{CHECKPOINT, checkpoint_path} at `step`.
  [[nodiscard]] Status AddCheckpoint(std::string_view checkpoint_path, int64_t step);

  // Writes every queued event and fsyncs the file.
  [[nodiscard]] Status Flush();
  // Flushes, stops the background thread and closes the file. Later calls
  // return the same result.
  [[nodiscard]] Status Close();

  // The event file's path.
  const std::string& path() const;
  const std::string& logdir() const;

 private:
  struct Rep;
  friend class SummaryWriterAccess;
  explicit SummaryWriter(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace tfcompat

#endif  // TFCOMPAT_SUMMARY_SUMMARY_WRITER_H_
