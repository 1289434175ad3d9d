// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/summary/summary_writer.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/text_format.h>

#include <cmath>
#include <cstdio>
#include <mutex>
#include <utility>

#include "summary/event_file_writer.h"
#include "summary/png_encoder.h"
#include "summary/summary_encoding.h"
#include "summary/summary_writer_internal.h"
#include "tfcompat/base/status_macros.h"
#include "tfcompat/tensorboard/hparams.pb.h"
#include "tfcompat/tensorboard/layout.pb.h"
#include "tfcompat/tensorboard/plugin_data.pb.h"
#include "tfcompat/tensorboard/projector_config.pb.h"

namespace tfcompat {

struct SummaryWriter::Rep {
  std::string logdir;
  std::unique_ptr<EventFileWriter> events;
  std::mutex projector_mu;
  tensorboard::projector::ProjectorConfig projector;  // Guarded by projector_mu.
};

namespace {

// Tags of the HParams and custom-scalars plugins (their metadata.py).
constexpr char kHParamsExperimentTag[] = "_hparams_/experiment";
constexpr char kHParamsSessionStartTag[] = "_hparams_/session_start_info";
constexpr char kHParamsSessionEndTag[] = "_hparams_/session_end_info";
constexpr char kCustomScalarsTag[] = "custom_scalars__config__";

Status CheckTag(std::string_view tag) {
  if (tag.empty()) return InvalidArgumentError("summary tag must not be empty");
  return OkStatus();
}

// A Summary.Value with `tag` and plugin metadata, in a new summary event.
tensorflow::Summary::Value* AddValue(tensorflow::Event& event, int64_t step, std::string_view tag,
                                     const char* plugin_name, const google::protobuf::MessageLite* content) {
  event.set_step(step);
  tensorflow::Summary::Value* value = event.mutable_summary()->add_value();
  value->set_tag(std::string(tag));
  if (plugin_name != nullptr) {
    auto* plugin = value->mutable_metadata()->mutable_plugin_data();
    plugin->set_plugin_name(plugin_name);
    if (content != nullptr) plugin->set_content(content->SerializeAsString());
  }
  return value;
}

void SetShape(tensorflow::TensorProto* tensor, std::initializer_list<int64_t> dims) {
  auto* shape = tensor->mutable_tensor_shape();
  for (int64_t d : dims) shape->add_dim()->set_size(d);
}

// A tensor value of `dtype` and shape `dims` (none: rank 0) for a plugin.
tensorflow::TensorProto* AddTensorValue(tensorflow::Event& event, int64_t step, std::string_view tag,
                                        const char* plugin_name, const google::protobuf::MessageLite* content,
                                        tensorflow::DataType dtype, std::initializer_list<int64_t> dims) {
  tensorflow::TensorProto* tensor = AddValue(event, step, tag, plugin_name, content)->mutable_tensor();
  tensor->set_dtype(dtype);
  SetShape(tensor, dims);
  return tensor;
}

// Non-string tensors are stored as raw little-endian bytes, as TF's
// AsProtoTensorContent does.
template <typename T>
void SetContent(tensorflow::TensorProto* tensor, std::span<const T> values) {
  tensor->set_tensor_content(std::string(reinterpret_cast<const char*>(values.data()), values.size_bytes()));
}

google::protobuf::Value ToProtoValue(const HParamValue& v) {
  google::protobuf::Value out;
  if (const double* d = std::get_if<double>(&v)) {
    out.set_number_value(*d);
  } else if (const std::string* s = std::get_if<std::string>(&v)) {
    out.set_string_value(*s);
  } else {
    out.set_bool_value(std::get<bool>(v));
  }
  return out;
}

tensorboard::hparams::DataType HParamType(const HParamValue& v) {
  if (std::holds_alternative<double>(v)) return tensorboard::hparams::DATA_TYPE_FLOAT64;
  if (std::holds_alternative<std::string>(v)) return tensorboard::hparams::DATA_TYPE_STRING;
  return tensorboard::hparams::DATA_TYPE_BOOL;
}

std::string FormatFloat(float v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.9g", static_cast<double>(v));
  return buf;
}

// A directory name for a tag: '/' and other separators become '_'.
std::string TagDirName(std::string_view tag) {
  std::string name(tag);
  for (char& c : name) {
    if (c == '/' || c == '\\' || c == '\t' || c == '\n') c = '_';
  }
  if (name == "." || name == "..") name = "_";
  return name;
}

}  // namespace

StatusOr<std::unique_ptr<SummaryWriter>> SummaryWriterAccess::Create(Env* env, const std::string& logdir,
                                                                     const SummaryWriterOptions& options) {
  auto rep = std::make_unique<SummaryWriter::Rep>();
  rep->logdir = logdir;
  TFCOMPAT_ASSIGN_OR_RETURN(rep->events, EventFileWriter::Create(env, logdir, options));
  return std::unique_ptr<SummaryWriter>(new SummaryWriter(std::move(rep)));
}

Status SummaryWriterAccess::WriteEvent(SummaryWriter& writer, tensorflow::Event& event) {
  event.set_wall_time(writer.rep_->events->NowSeconds());
  return writer.rep_->events->WriteSerializedEvent(event.SerializeAsString());
}

Status AddGraphDef(SummaryWriter& writer, const tensorflow::GraphDef& graph) {
  tensorflow::Event event;
  event.set_graph_def(graph.SerializeAsString());
  return SummaryWriterAccess::WriteEvent(writer, event);
}

StatusOr<std::unique_ptr<SummaryWriter>> SummaryWriter::Create(const std::string& logdir,
                                                               const SummaryWriterOptions& options) {
  return SummaryWriterAccess::Create(Env::Default(), logdir, options);
}

SummaryWriter::SummaryWriter(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
SummaryWriter::~SummaryWriter() = default;

const std::string& SummaryWriter::path() const { return rep_->events->path(); }
const std::string& SummaryWriter::logdir() const { return rep_->logdir; }
Status SummaryWriter::Flush() { return rep_->events->Flush(); }
Status SummaryWriter::Close() { return rep_->events->Close(); }

Status SummaryWriter::AddScalar(std::string_view tag, float value, int64_t step) {
  TFCOMPAT_RETURN_IF_ERROR(CheckTag(tag));
  return rep_->events->WriteScalarEvent(tag, step, value);
}

Status SummaryWriter::AddScalar(std::string_view tag, float value, int64_t step, double wall_time) {
  TFCOMPAT_RETURN_IF_ERROR(CheckTag(tag));
  return rep_->events->WriteScalarEvent(tag, step, value, wall_time);
}

Status SummaryWriter::AddScalarTensor(std::string_view tag, float value, int64_t step) {
  TFCOMPAT_RETURN_IF_ERROR(CheckTag(tag));
  tensorboard::ScalarPluginData content;
  tensorflow::Event event;
  tensorflow::TensorProto* tensor = AddTensorValue(event, step, tag, "scalars", &content, tensorflow::DT_FLOAT, {});
  tensor->add_float_val(value);
  return SummaryWriterAccess::WriteEvent(*this, event);
}

Status SummaryWriter::AddHistogram(std::string_view tag, std::span<const double> values, int64_t step,
                                   int bucket_count) {
  TFCOMPAT_RETURN_IF_ERROR(CheckTag(tag));
  if (bucket_count < 1) return InvalidArgumentError("histogram bucket_count must be positive");
  for (double v : values) {
    if (!std::isfinite(v)) return InvalidArgumentError("Nan or Inf in summary histogram for: " + std::string(tag));
  }
  const std::vector<double> rows = TensorBoardHistogramBuckets(values, bucket_count);
  tensorboard::HistogramPluginData content;
  tensorflow::Event event;
  tensorflow::TensorProto* tensor =
      AddTensorValue(event, step, tag, "histograms", &content, tensorflow::DT_DOUBLE, {bucket_count, 3});
  SetContent<double>(tensor, rows);
  return SummaryWriterAccess::WriteEvent(*this, event);
}

Status SummaryWriter::AddHistogram(std::string_view tag, const HistogramData& histogram, int64_t step) {
  TFCOMPAT_RETURN_IF_ERROR(CheckTag(tag));
  const auto& limits = histogram.bucket_limits;
  if (limits.size() != histogram.bucket_counts.size()) {
    return InvalidArgumentError("histogram '" + std::string(tag) + "' has " + std::to_string(limits.size()) +
                                " bucket limits but " + std::to_string(histogram.bucket_counts.size()) + " counts");
  }
  for (double v : {histogram.min, histogram.max, histogram.num, histogram.sum, histogram.sum_squares}) {
    if (std::isnan(v)) return InvalidArgumentError("Nan in summary histogram for: " + std::string(tag));
  }
  for (size_t i = 1; i < limits.size(); ++i) {
    if (!(limits[i - 1] < limits[i])) {
      return InvalidArgumentError("histogram '" + std::string(tag) + "' bucket limits are not increasing at index " +
                                  std::to_string(i));
    }
  }
  tensorflow::Event event;
  tensorflow::HistogramProto* proto = AddValue(event, step, tag, nullptr, nullptr)->mutable_histo();
  proto->set_min(histogram.min);
  proto->set_max(histogram.max);
  proto->set_num(histogram.num);
  proto->set_sum(histogram.sum);
  proto->set_sum_squares(histogram.sum_squares);
  proto->mutable_bucket_limit()->Add(limits.begin(), limits.end());
  proto->mutable_bucket()->Add(histogram.bucket_counts.begin(), histogram.bucket_counts.end());
  return SummaryWriterAccess::WriteEvent(*this, event);
}

Status SummaryWriter::AddImage(std::string_view tag, const ImageU8& image, int64_t step) {
  return AddImages(tag, std::span<const ImageU8>(&image, 1), step);
}

Status SummaryWriter::AddImage(std::string_view tag, const ImageF32& image, int64_t step) {
  const std::vector<uint8_t> bytes = FloatPixelsToBytes(image.pixels);
  return AddImage(tag, ImageU8{image.height, image.width, image.channels, bytes}, step);
}

Status SummaryWriter::AddImages(std::string_view tag, std::span<const ImageU8> images, int64_t step) {
  TFCOMPAT_RETURN_IF_ERROR(CheckTag(tag));
  if (images.empty()) return InvalidArgumentError("image batch '" + std::string(tag) + "' is empty");
  // The images plugin's tensor: [width, height, png_1, ..., png_n].
  tensorboard::ImagePluginData content;
  tensorflow::Event event;
  tensorflow::TensorProto* tensor = AddTensorValue(event, step, tag, "images", &content, tensorflow::DT_STRING,
                                                   {static_cast<int64_t>(images.size()) + 2});
  tensor->add_string_val(std::to_string(images[0].width));
  tensor->add_string_val(std::to_string(images[0].height));
  for (size_t i = 0; i < images.size(); ++i) {
    const ImageU8& image = images[i];
    if (image.height != images[0].height || image.width != images[0].width) {
      return InvalidArgumentError("image " + std::to_string(i) + " of batch '" + std::string(tag) +
                                  "' is not the size of image 0");
    }
    auto png = EncodePng(image.height, image.width, image.channels, image.pixels);
    if (!png.ok()) return png.status().WithContext("image '" + std::string(tag) + "'");
    tensor->add_string_val(std::move(*png));
  }
  return SummaryWriterAccess::WriteEvent(*this, event);
}

Status SummaryWriter::AddAudio(std::string_view tag, std::span<const float> samples, int channels, int sample_rate,
                               int64_t step) {
  TFCOMPAT_RETURN_IF_ERROR(CheckTag(tag));
  if (channels < 1 || channels > 1024) return InvalidArgumentError("audio channels must be in [1, 1024]");
  if (sample_rate < 1) return InvalidArgumentError("audio sample_rate must be positive");
  if (samples.size() % static_cast<size_t>(channels) != 0 || samples.size() > (uint64_t{1} << 30)) {
    return InvalidArgumentError("audio '" + std::string(tag) + "': " + std::to_string(samples.size()) +
                                " samples are not whole frames of " + std::to_string(channels) + " channels");
  }
  tensorboard::AudioPluginData content;
  content.set_encoding(tensorboard::AudioPluginData::WAV);
  tensorflow::Event event;
  tensorflow::TensorProto* tensor = AddTensorValue(event, step, tag, "audio", &content, tensorflow::DT_STRING, {1});
  tensor->add_string_val(EncodeWav(samples, channels, sample_rate));
  return SummaryWriterAccess::WriteEvent(*this, event);
}

Status SummaryWriter::AddStringTensor(std::string_view tag, std::string_view value, int64_t step) {
  TFCOMPAT_RETURN_IF_ERROR(CheckTag(tag));
  tensorflow::Event event;
  tensorflow::TensorProto* tensor = AddTensorValue(event, step, tag, nullptr, nullptr, tensorflow::DT_STRING, {});
  tensor->add_string_val(std::string(value));
  return SummaryWriterAccess::WriteEvent(*this, event);
}

Status SummaryWriter::AddText(std::string_view tag, std::string_view markdown, int64_t step) {
  TFCOMPAT_RETURN_IF_ERROR(CheckTag(tag));
  tensorboard::TextPluginData content;
  tensorflow::Event event;
  tensorflow::TensorProto* tensor = AddTensorValue(event, step, tag, "text", &content, tensorflow::DT_STRING, {});
  tensor->add_string_val(std::string(markdown));
  return SummaryWriterAccess::WriteEvent(*this, event);
}

Status SummaryWriter::AddTextTable(std::string_view tag, int rows, int cols, std::span<const std::string> cells,
                                   int64_t step) {
  TFCOMPAT_RETURN_IF_ERROR(CheckTag(tag));
  if (rows < 1 || cols < 1 || cells.size() != static_cast<uint64_t>(rows) * static_cast<uint64_t>(cols)) {
    return InvalidArgumentError("text table '" + std::string(tag) + "' of " + std::to_string(rows) + "x" +
                                std::to_string(cols) + " cells got " + std::to_string(cells.size()) + " strings");
  }
  tensorboard::TextPluginData content;
  tensorflow::Event event;
  tensorflow::TensorProto* tensor =
      AddTensorValue(event, step, tag, "text", &content, tensorflow::DT_STRING, {rows, cols});
  for (const std::string& cell : cells) tensor->add_string_val(cell);
  return SummaryWriterAccess::WriteEvent(*this, event);
}

Status SummaryWriter::AddGraph(std::string_view serialized_graph_def) {
  tensorflow::GraphDef graph;
  if (!graph.ParseFromString(std::string(serialized_graph_def))) {
    return InvalidArgumentError("AddGraph: the bytes are not a serialized GraphDef");
  }
  tensorflow::Event event;
  event.set_graph_def(std::string(serialized_graph_def));
  return SummaryWriterAccess::WriteEvent(*this, event);
}

namespace {

// An hparams summary event: the plugin data carries everything; the tensor
// is an empty DT_FLOAT [0], as TensorBoard's hparams summaries write it.
tensorflow::Event HParamsEvent(std::string_view tag, const tensorboard::hparams::HParamsPluginData& content) {
  tensorflow::Event event;
  AddTensorValue(event, 0, tag, "hparams", &content, tensorflow::DT_FLOAT, {0});
  return event;
}

}  // namespace

Status SummaryWriter::AddHParamsExperiment(const HParamsExperiment& experiment) {
  tensorboard::hparams::HParamsPluginData content;
  tensorboard::hparams::Experiment* out = content.mutable_experiment();
  out->set_description(experiment.description);
  out->set_time_created_secs(rep_->events->NowSeconds());
  for (const auto& hparam : experiment.hparams) {
    if (hparam.name.empty()) return InvalidArgumentError("hparam name must not be empty");
    auto* info = out->add_hparam_infos();
    info->set_name(hparam.name);
    info->set_display_name(hparam.display_name);
    info->set_description(hparam.description);
    if (!hparam.domain.empty()) {
      info->set_type(HParamType(hparam.domain[0]));
      for (const HParamValue& v : hparam.domain) {
        if (HParamType(v) != info->type()) {
          return InvalidArgumentError("hparam '" + hparam.name + "' mixes value types in its domain");
        }
        *info->mutable_domain_discrete()->add_values() = ToProtoValue(v);
      }
    }
  }
  for (const auto& metric : experiment.metrics) {
    if (metric.tag.empty()) return InvalidArgumentError("metric tag must not be empty");
    auto* info = out->add_metric_infos();
    info->mutable_name()->set_group(metric.group);
    info->mutable_name()->set_tag(metric.tag);
    info->set_display_name(metric.display_name);
    info->set_description(metric.description);
  }
  tensorflow::Event event = HParamsEvent(kHParamsExperimentTag, content);
  return SummaryWriterAccess::WriteEvent(*this, event);
}

Status SummaryWriter::AddHParamsSessionStart(const std::map<std::string, HParamValue>& hparams,
                                             std::string_view group_name) {
  tensorboard::hparams::HParamsPluginData content;
  auto* start = content.mutable_session_start_info();
  for (const auto& [name, value] : hparams) (*start->mutable_hparams())[name] = ToProtoValue(value);
  start->set_group_name(std::string(group_name));
  start->set_start_time_secs(rep_->events->NowSeconds());
  tensorflow::Event event = HParamsEvent(kHParamsSessionStartTag, content);
  return SummaryWriterAccess::WriteEvent(*this, event);
}

Status SummaryWriter::AddHParamsSessionEnd(HParamsSessionStatus status) {
  tensorboard::hparams::HParamsPluginData content;
  auto* end = content.mutable_session_end_info();
  end->set_status(static_cast<tensorboard::hparams::Status>(status));
  end->set_end_time_secs(rep_->events->NowSeconds());
  tensorflow::Event event = HParamsEvent(kHParamsSessionEndTag, content);
  return SummaryWriterAccess::WriteEvent(*this, event);
}

Status SummaryWriter::AddPrCurve(std::string_view tag, std::span<const uint8_t> labels,
                                 std::span<const float> predictions, int64_t step, int num_thresholds) {
  TFCOMPAT_RETURN_IF_ERROR(CheckTag(tag));
  if (num_thresholds < 2 || num_thresholds > (1 << 20)) {
    return InvalidArgumentError("pr curve num_thresholds must be in [2, 1048576]");
  }
  if (labels.size() != predictions.size()) {
    return InvalidArgumentError("pr curve '" + std::string(tag) + "' has " + std::to_string(labels.size()) +
                                " labels but " + std::to_string(predictions.size()) + " predictions");
  }
  const std::vector<float> rows = PrCurveCounts(labels, predictions, num_thresholds);
  tensorboard::PrCurvePluginData content;
  content.set_num_thresholds(static_cast<uint32_t>(num_thresholds));
  tensorflow::Event event;
  tensorflow::TensorProto* tensor =
      AddTensorValue(event, step, tag, "pr_curves", &content, tensorflow::DT_FLOAT, {6, num_thresholds});
  SetContent<float>(tensor, rows);
  return SummaryWriterAccess::WriteEvent(*this, event);
}

Status SummaryWriter::AddEmbedding(std::string_view tag, int rows, int dim, std::span<const float> values, int64_t step,
                                   std::span<const std::string> labels) {
  TFCOMPAT_RETURN_IF_ERROR(CheckTag(tag));
  if (rows < 1 || dim < 1 || values.size() != static_cast<uint64_t>(rows) * static_cast<uint64_t>(dim)) {
    return InvalidArgumentError("embedding '" + std::string(tag) + "' of " + std::to_string(rows) + "x" +
                                std::to_string(dim) + " got " + std::to_string(values.size()) + " values");
  }
  if (!labels.empty() && labels.size() != static_cast<size_t>(rows)) {
    return InvalidArgumentError("embedding '" + std::string(tag) + "' has " + std::to_string(rows) + " rows but " +
                                std::to_string(labels.size()) + " labels");
  }
  char step_dir[32];
  std::snprintf(step_dir, sizeof(step_dir), "%05lld", static_cast<long long>(step));
  const std::string relative = JoinPath(step_dir, TagDirName(tag));
  const std::string dir = JoinPath(rep_->logdir, relative);
  Env* env = rep_->events->env();
  TFCOMPAT_RETURN_IF_ERROR(env->RecursivelyCreateDir(dir));

  std::string tsv;
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < dim; ++c) {
      if (c > 0) tsv += '\t';
      tsv += FormatFloat(values[static_cast<size_t>(r) * static_cast<size_t>(dim) + static_cast<size_t>(c)]);
    }
    tsv += '\n';
  }
  TFCOMPAT_RETURN_IF_ERROR(WriteFileAtomically(env, JoinPath(dir, "tensors.tsv"), tsv));

  tensorboard::projector::EmbeddingInfo info;
  info.set_tensor_name(std::string(tag));
  info.set_tensor_path(JoinPath(relative, "tensors.tsv"));
  info.add_tensor_shape(static_cast<uint32_t>(rows));
  info.add_tensor_shape(static_cast<uint32_t>(dim));
  if (!labels.empty()) {
    std::string metadata;
    for (const std::string& label : labels) {
      if (label.find_first_of("\t\n") != std::string::npos) {
        return InvalidArgumentError("embedding label must not contain a tab or newline: '" + label + "'");
      }
      metadata += label + '\n';
    }
    TFCOMPAT_RETURN_IF_ERROR(WriteFileAtomically(env, JoinPath(dir, "metadata.tsv"), metadata));
    info.set_metadata_path(JoinPath(relative, "metadata.tsv"));
  }

  std::lock_guard<std::mutex> lock(rep_->projector_mu);
  *rep_->projector.add_embeddings() = info;
  std::string pbtxt;
  if (!google::protobuf::TextFormat::PrintToString(rep_->projector, &pbtxt)) {
    return InternalError("cannot print projector config");
  }
  return WriteFileAtomically(env, JoinPath(rep_->logdir, "projector_config.pbtxt"), pbtxt);
}

Status SummaryWriter::AddCustomScalarsLayout(const CustomScalarLayout& layout) {
  tensorboard::Layout proto;
  for (const auto& category : layout.categories) {
    auto* c = proto.add_category();
    c->set_title(category.title);
    c->set_closed(category.closed);
    for (const auto& chart : category.charts) {
      auto* ch = c->add_chart();
      ch->set_title(chart.title);
      for (const std::string& re : chart.tag_regexes) ch->mutable_multiline()->add_tag(re);
    }
  }
  tensorflow::Event event;
  tensorflow::TensorProto* tensor =
      AddTensorValue(event, 0, kCustomScalarsTag, "custom_scalars", nullptr, tensorflow::DT_STRING, {});
  tensor->add_string_val(proto.SerializeAsString());
  return SummaryWriterAccess::WriteEvent(*this, event);
}

Status SummaryWriter::AddSessionStart(int64_t step) {
  tensorflow::Event event;
  event.set_step(step);
  event.mutable_session_log()->set_status(tensorflow::SessionLog::START);
  return SummaryWriterAccess::WriteEvent(*this, event);
}

Status SummaryWriter::AddCheckpoint(std::string_view checkpoint_path, int64_t step) {
  tensorflow::Event event;
  event.set_step(step);
  event.mutable_session_log()->set_status(tensorflow::SessionLog::CHECKPOINT);
  event.mutable_session_log()->set_checkpoint_path(std::string(checkpoint_path));
  return SummaryWriterAccess::WriteEvent(*this, event);
}

}  // namespace tfcompat
