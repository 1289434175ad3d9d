// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/summary/event_file_reader.h"

#include <cstring>
#include <map>
#include <utility>

#include "tfcompat/base/status_macros.h"
#include "tfcompat/io/record_reader.h"
#include "tfcompat/tensorflow/event.pb.h"

namespace tfcompat {
namespace {

ValueKind KindOfPlugin(const std::string& plugin) {
  if (plugin == "scalars") return ValueKind::kScalar;
  if (plugin == "histograms") return ValueKind::kHistogram;
  if (plugin == "images") return ValueKind::kImage;
  if (plugin == "audio") return ValueKind::kAudio;
  if (plugin == "text") return ValueKind::kText;
  return ValueKind::kTensor;
}

// The value of a rank-0 float or double tensor, whichever field holds it.
bool ScalarOfTensor(const tensorflow::TensorProto& t, double* out) {
  if (t.tensor_shape().dim_size() != 0) return false;
  if (t.dtype() == tensorflow::DT_FLOAT) {
    if (t.float_val_size() == 1) {
      *out = t.float_val(0);
      return true;
    }
    if (t.tensor_content().size() == sizeof(float)) {
      float f;
      std::memcpy(&f, t.tensor_content().data(), sizeof(f));
      *out = f;
      return true;
    }
  } else if (t.dtype() == tensorflow::DT_DOUBLE) {
    if (t.double_val_size() == 1) {
      *out = t.double_val(0);
      return true;
    }
    if (t.tensor_content().size() == sizeof(double)) {
      std::memcpy(out, t.tensor_content().data(), sizeof(double));
      return true;
    }
  }
  return false;
}

EventKind KindOfEvent(const tensorflow::Event& e) {
  switch (e.what_case()) {
    case tensorflow::Event::kFileVersion:
      return EventKind::kFileVersion;
    case tensorflow::Event::kGraphDef:
      return EventKind::kGraphDef;
    case tensorflow::Event::kSummary:
      return EventKind::kSummary;
    case tensorflow::Event::kLogMessage:
      return EventKind::kLogMessage;
    case tensorflow::Event::kSessionLog:
      return EventKind::kSessionLog;
    case tensorflow::Event::kTaggedRunMetadata:
      return EventKind::kTaggedRunMetadata;
    case tensorflow::Event::kMetaGraphDef:
      return EventKind::kMetaGraphDef;
    default:
      return EventKind::kEmpty;
  }
}

}  // namespace

const char* ValueKindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kScalar:
      return "scalar";
    case ValueKind::kHistogram:
      return "histogram";
    case ValueKind::kImage:
      return "image";
    case ValueKind::kAudio:
      return "audio";
    case ValueKind::kText:
      return "text";
    case ValueKind::kTensor:
      return "tensor";
    case ValueKind::kUnknown:
      break;
  }
  return "unknown";
}

const char* EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kFileVersion:
      return "file_version";
    case EventKind::kGraphDef:
      return "graph_def";
    case EventKind::kSummary:
      return "summary";
    case EventKind::kLogMessage:
      return "log_message";
    case EventKind::kSessionLog:
      return "session_log";
    case EventKind::kTaggedRunMetadata:
      return "tagged_run_metadata";
    case EventKind::kMetaGraphDef:
      return "meta_graph_def";
    case EventKind::kEmpty:
      break;
  }
  return "empty";
}

bool IsEventFileName(const std::string& name) { return name.find("tfevents") != std::string::npos; }

struct EventFileReader::Rep {
  std::unique_ptr<RecordReader> records;
  // Plugin of each tag's first value: later values may omit metadata.
  std::map<std::string, std::string, std::less<>> plugin_of_tag;
};

StatusOr<std::unique_ptr<EventFileReader>> EventFileReader::Open(const std::string& path) {
  auto rep = std::make_unique<Rep>();
  TFCOMPAT_ASSIGN_OR_RETURN(rep->records, RecordReader::Open(path));
  return std::unique_ptr<EventFileReader>(new EventFileReader(std::move(rep)));
}

EventFileReader::EventFileReader(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
EventFileReader::~EventFileReader() = default;

uint64_t EventFileReader::offset() const { return rep_->records->offset(); }
bool EventFileReader::truncated_tail() const { return rep_->records->truncated_tail(); }
const std::string& EventFileReader::path() const { return rep_->records->path(); }

Status EventFileReader::ReadEvent(EventView* out) {
  const uint64_t start = rep_->records->offset();
  std::string record;
  TFCOMPAT_RETURN_IF_ERROR(rep_->records->ReadRecord(&record));
  tensorflow::Event event;
  if (!event.ParseFromString(record)) {
    return DataLossError(path() + ": record at offset " + std::to_string(start) + " is not a tensorflow.Event");
  }
  *out = EventView();
  out->wall_time = event.wall_time();
  out->step = event.step();
  out->kind = KindOfEvent(event);
  out->file_version = event.file_version();
  if (event.has_session_log()) {
    out->session_status = static_cast<SessionStatus>(event.session_log().status());
    out->checkpoint_path = event.session_log().checkpoint_path();
  }
  for (const auto& v : event.summary().value()) {
    SummaryValueView view;
    view.tag = v.tag();
    if (v.has_metadata()) {
      rep_->plugin_of_tag.try_emplace(v.tag(), v.metadata().plugin_data().plugin_name());
    }
    auto plugin = rep_->plugin_of_tag.find(v.tag());
    if (plugin != rep_->plugin_of_tag.end()) view.plugin_name = plugin->second;
    switch (v.value_case()) {
      case tensorflow::Summary::Value::kSimpleValue:
        view.kind = ValueKind::kScalar;
        view.scalar = v.simple_value();
        break;
      case tensorflow::Summary::Value::kHisto:
        view.kind = ValueKind::kHistogram;
        break;
      case tensorflow::Summary::Value::kImage:
        view.kind = ValueKind::kImage;
        break;
      case tensorflow::Summary::Value::kAudio:
        view.kind = ValueKind::kAudio;
        break;
      case tensorflow::Summary::Value::kTensor:
        view.kind = KindOfPlugin(view.plugin_name);
        if (view.kind == ValueKind::kScalar && !ScalarOfTensor(v.tensor(), &view.scalar)) {
          view.kind = ValueKind::kTensor;
        }
        break;
      default:
        view.kind = ValueKind::kUnknown;
    }
    out->values.push_back(std::move(view));
  }
  out->serialized = std::move(record);
  return OkStatus();
}

}  // namespace tfcompat
