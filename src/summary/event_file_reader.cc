// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/summary/event_file_reader.h"

#include <bit>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>

#include "io/wire_reader.h"
#include "summary/tag_map.h"
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
bool ScalarOfTensor(const tensorflow::TensorProto& t, double* out, bool* is_double) {
  if (t.tensor_shape().dim_size() != 0) return false;
  if (t.dtype() == tensorflow::DT_FLOAT) {
    *is_double = false;
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
    *is_double = true;
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

// --- The wire-format fast path ----------------------------------------------
//
// Each Decode* function reads one message of the common scalar shapes and
// returns false on anything else: an unknown or repeated oneof field, a
// non-ASCII string (protobuf would check its UTF-8), a malformed field. The
// caller then parses the record with protobuf, which has the last word, so
// the fast path never accepts a record that protobuf would reject or read
// differently.

// A string field that is ASCII, so that protobuf's UTF-8 check needs no
// repeating.
bool AsciiString(WireReader& in, std::string_view* v) {
  if (!in.Bytes(v)) return false;
  // 8 bytes at a time, then 4 (overlapping): tags are read millions of
  // times, and most are short.
  const char* p = v->data();
  const size_t n = v->size();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, p + i, sizeof(word));
    if ((word & 0x8080808080808080) != 0) return false;
  }
  if (n - i >= 4) {
    uint32_t first, last;
    std::memcpy(&first, p + i, sizeof(first));
    std::memcpy(&last, p + n - 4, sizeof(last));
    return ((first | last) & 0x80808080) == 0;
  }
  for (; i < n; ++i) {
    if (static_cast<unsigned char>(p[i]) >= 0x80) return false;
  }
  return true;
}

// A rank-0 DT_FLOAT or DT_DOUBLE TensorProto, as ScalarOfTensor reads it.
bool DecodeScalarTensor(std::string_view bytes, double* value, bool* is_double) {
  WireReader in(bytes);
  uint64_t dtype = 0, ignored;
  int floats = 0, doubles = 0;
  float first_float = 0;
  double first_double = 0;
  std::string_view field, content;
  while (!in.AtEnd()) {
    switch (in.Key()) {
      case WireKey(1, kWireVarint):  // dtype
        if (!in.Varint(&dtype)) return false;
        break;
      case WireKey(2, kWireLengthDelimited):  // tensor_shape: rank 0 only
        if (!in.Bytes(&field) || !field.empty()) return false;
        break;
      case WireKey(3, kWireVarint):  // version_number
        if (!in.Varint(&ignored)) return false;
        break;
      case WireKey(4, kWireLengthDelimited):  // tensor_content
        if (!in.Bytes(&content)) return false;
        break;
      case WireKey(5, kWireLengthDelimited):  // float_val, packed
        if (!in.Bytes(&field) || field.size() % sizeof(float) != 0) return false;
        if (floats == 0 && !field.empty()) std::memcpy(&first_float, field.data(), sizeof(float));
        floats += static_cast<int>(field.size() / sizeof(float));
        break;
      case WireKey(6, kWireLengthDelimited):  // double_val, packed
        if (!in.Bytes(&field) || field.size() % sizeof(double) != 0) return false;
        if (doubles == 0 && !field.empty()) std::memcpy(&first_double, field.data(), sizeof(double));
        doubles += static_cast<int>(field.size() / sizeof(double));
        break;
      default:
        return false;
    }
  }
  if (dtype == static_cast<uint64_t>(tensorflow::DT_FLOAT)) {
    *is_double = false;
    if (floats == 1) {
      *value = first_float;
      return true;
    }
    if (content.size() == sizeof(float)) {
      float f;
      std::memcpy(&f, content.data(), sizeof(f));
      *value = f;
      return true;
    }
  } else if (dtype == static_cast<uint64_t>(tensorflow::DT_DOUBLE)) {
    *is_double = true;
    if (doubles == 1) {
      *value = first_double;
      return true;
    }
    if (content.size() == sizeof(double)) {
      std::memcpy(value, content.data(), sizeof(double));
      return true;
    }
  }
  return false;
}

// SummaryMetadata: the plugin name; display name, description and data
// class are read and ignored, as the protobuf path does.
bool DecodeMetadata(std::string_view bytes, std::string_view* plugin_name) {
  WireReader in(bytes);
  std::string_view field;
  uint64_t ignored;
  while (!in.AtEnd()) {
    switch (in.Key()) {
      case WireKey(1, kWireLengthDelimited): {  // plugin_data
        if (!in.Bytes(&field)) return false;
        WireReader plugin(field);
        while (!plugin.AtEnd()) {
          switch (plugin.Key()) {
            case WireKey(1, kWireLengthDelimited):  // plugin_name
              if (!AsciiString(plugin, plugin_name)) return false;
              break;
            case WireKey(2, kWireLengthDelimited):  // content
              if (!plugin.Bytes(&field)) return false;
              break;
            default:
              return false;
          }
        }
        break;
      }
      case WireKey(2, kWireLengthDelimited):  // display_name
      case WireKey(3, kWireLengthDelimited):  // summary_description
        if (!AsciiString(in, &field)) return false;
        break;
      case WireKey(4, kWireVarint):  // data_class
        if (!in.Varint(&ignored)) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

// The Summary.Value fields the fast path reads.
struct WireValue {
  std::string_view tag;
  bool has_metadata = false;
  std::string_view plugin_name;
  int value_fields = 0;  // simple_value and tensor occurrences (a oneof)
  bool has_simple_value = false;
  float simple_value = 0;
  std::string_view tensor;
};

bool DecodeValue(std::string_view bytes, WireValue* v) {
  WireReader in(bytes);
  uint32_t bits;
  std::string_view field;
  while (!in.AtEnd()) {
    switch (in.Key()) {
      case WireKey(1, kWireLengthDelimited):  // tag
        if (!AsciiString(in, &v->tag)) return false;
        break;
      case WireKey(2, kWireFixed32):  // simple_value
        if (!in.Fixed32(&bits)) return false;
        v->simple_value = std::bit_cast<float>(bits);
        v->has_simple_value = true;
        ++v->value_fields;
        break;
      case WireKey(8, kWireLengthDelimited):  // tensor
        if (!in.Bytes(&v->tensor)) return false;
        ++v->value_fields;
        break;
      case WireKey(9, kWireLengthDelimited):  // metadata; a repeat merges
        if (!in.Bytes(&field) || !DecodeMetadata(field, &v->plugin_name)) return false;
        v->has_metadata = true;
        break;
      default:
        return false;
    }
  }
  return v->value_fields == 1;
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

// Clears `event` but keeps its buffers for the next event: `values` keeps
// its elements, for AddValue to reuse their strings; the decoder cuts it to
// the values it added.
void ResetEvent(EventView* event) {
  event->wall_time = 0;
  event->step = 0;
  event->kind = EventKind::kEmpty;
  event->file_version.clear();
  event->session_status = SessionStatus::kUnspecified;
  event->checkpoint_path.clear();
}

// Adds the `*count`th value of `event`, in the element an earlier event's
// value left there if any: its strings keep their allocations, and most
// tags are too long for a string's inline room.
SummaryValueView& AddValue(EventView* event, size_t* count, std::string_view tag, std::string_view plugin_name) {
  if (*count == event->values.size()) event->values.emplace_back();
  SummaryValueView& view = event->values[(*count)++];
  // assign() calls into the library even when nothing changes, as the
  // plugin name (mostly "") seldom does.
  if (view.tag != tag) view.tag.assign(tag);
  view.kind = ValueKind::kUnknown;
  if (view.plugin_name != plugin_name) view.plugin_name.assign(plugin_name);
  view.scalar = 0;
  view.scalar_is_double = false;
  return view;
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
  // Plugin of each tag's first value with metadata: later values may omit
  // it.
  TagMap<std::optional<std::string>> plugin_of_tag;

  // Notes the plugin named by a value's metadata if its tag has none yet,
  // and returns the tag's plugin ("" when none is known).
  std::string_view PluginOf(std::string_view tag, const std::string_view* metadata_plugin) {
    std::optional<std::string>& plugin = plugin_of_tag[tag];
    if (!plugin && metadata_plugin != nullptr) plugin.emplace(*metadata_plugin);
    return plugin ? std::string_view(*plugin) : std::string_view();
  }

  bool DecodeScalarEvent(std::string_view record, EventView* out);
  Status ParseEvent(uint64_t offset, EventView* out);
};

bool EventFileReader::Rep::DecodeScalarEvent(std::string_view record, EventView* out) {
  WireReader in(record);
  size_t count = 0;
  uint64_t bits;
  std::string_view summary, value_bytes;
  while (!in.AtEnd()) {
    switch (in.Key()) {
      case WireKey(1, kWireFixed64):  // wall_time
        if (!in.Fixed64(&bits)) return false;
        out->wall_time = std::bit_cast<double>(bits);
        break;
      case WireKey(2, kWireVarint):  // step
        if (!in.Varint(&bits)) return false;
        out->step = static_cast<int64_t>(bits);
        break;
      case WireKey(5, kWireLengthDelimited): {  // summary; a repeat merges
        if (!in.Bytes(&summary)) return false;
        out->kind = EventKind::kSummary;
        WireReader values(summary);
        while (!values.AtEnd()) {
          WireValue v;
          if (values.Key() != WireKey(1, kWireLengthDelimited) || !values.Bytes(&value_bytes) ||
              !DecodeValue(value_bytes, &v)) {
            return false;
          }
          SummaryValueView& view =
              AddValue(out, &count, v.tag, PluginOf(v.tag, v.has_metadata ? &v.plugin_name : nullptr));
          view.kind = ValueKind::kScalar;
          if (v.has_simple_value) {
            view.scalar = v.simple_value;
          } else if (KindOfPlugin(view.plugin_name) != ValueKind::kScalar ||
                     !DecodeScalarTensor(v.tensor, &view.scalar, &view.scalar_is_double)) {
            return false;
          }
        }
        break;
      }
      default:
        return false;
    }
  }
  out->values.resize(count);
  return true;
}

Status EventFileReader::Rep::ParseEvent(uint64_t offset, EventView* out) {
  tensorflow::Event event;
  if (!event.ParseFromString(out->serialized)) {
    out->values.clear();
    return DataLossError(records->path() + ": record at offset " + std::to_string(offset) +
                         " is not a tensorflow.Event");
  }
  out->wall_time = event.wall_time();
  out->step = event.step();
  out->kind = KindOfEvent(event);
  out->file_version = event.file_version();
  if (event.has_session_log()) {
    out->session_status = static_cast<SessionStatus>(event.session_log().status());
    out->checkpoint_path = event.session_log().checkpoint_path();
  }
  size_t count = 0;
  for (const auto& v : event.summary().value()) {
    const std::string_view metadata_plugin = v.metadata().plugin_data().plugin_name();
    SummaryValueView& view =
        AddValue(out, &count, v.tag(), PluginOf(v.tag(), v.has_metadata() ? &metadata_plugin : nullptr));
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
        if (view.kind == ValueKind::kScalar && !ScalarOfTensor(v.tensor(), &view.scalar, &view.scalar_is_double)) {
          view.kind = ValueKind::kTensor;
        }
        break;
      default:
        view.kind = ValueKind::kUnknown;
    }
  }
  out->values.resize(count);
  return OkStatus();
}

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
  std::string_view record;
  TFCOMPAT_RETURN_IF_ERROR(rep_->records->ReadRecordView(&record));
  ResetEvent(out);
  // Decoded from the reader's buffer rather than from the copy: loads from
  // bytes just stored, at other widths and offsets, stall.
  const bool decoded = rep_->DecodeScalarEvent(record, out);
  out->serialized.assign(record);
  if (decoded) return OkStatus();
  ResetEvent(out);
  return rep_->ParseEvent(start, out);
}

}  // namespace tfcompat
