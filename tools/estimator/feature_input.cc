// SPDX-License-Identifier: Apache-2.0
#include "feature_input.h"

#include <memory>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "feature_column_spec.h"
#include "io/file.h"
#include "tfcompat/base/status_macros.h"
#include "tfcompat/data/csv_columns.h"
#include "tfcompat/data/example_dataset.h"
#include "tfcompat/data/feature_batches.h"

namespace tfcompat::estimator_tool {
namespace {

// Shuffle buffer of a TFRecord input (TF's examples use 10 000 and more).
constexpr int64_t kShuffleBufferSize = 10000;
// The largest CSV file read into memory.
constexpr uint64_t kMaxCsvBytes = uint64_t{1} << 30;

data::LabelOptions Labels(const ModelRecord& record, bool labelled) {
  if (!labelled) return {};
  return {.column = record.label_column,
          .n_classes = IsClassifier(record.estimator) ? record.n_classes : 0,
          .vocabulary = record.label_vocabulary};
}

// How the CSV column of a raw feature is decoded (see the header).
data::CsvColumn CsvColumnFor(const data::FeatureSpec& feature) {
  if (const auto* fixed = std::get_if<data::FixedLenFeature>(&feature)) {
    if (fixed->default_value.has_value() && fixed->default_value->num_elements() == 1) {
      return data::CsvColumn::Float(fixed->default_value->flat<float>()[0]);
    }
    return data::CsvColumn::Required(DataType::kFloat);
  }
  switch (std::get<data::VarLenFeature>(feature).dtype) {
    case DataType::kString:
      return data::CsvColumn::String("");
    case DataType::kInt64:
      return data::CsvColumn::Int64(-1);
    default:
      return data::CsvColumn::Float(0.0f);
  }
}

// The fields of the first line of `text` (the header row).
std::vector<std::string> HeaderFields(std::string_view text) {
  std::string_view line = text.substr(0, text.find('\n'));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::vector<std::string> fields;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    std::string field(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (field.size() >= 2 && field.front() == '"' && field.back() == '"') field = field.substr(1, field.size() - 2);
    fields.push_back(std::move(field));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return fields;
}

// The columns of one CSV file that the spec and the label read.
StatusOr<data::ParsedFeatures> ReadCsvFile(const std::string& path, const data::ExampleSpec& spec,
                                           const data::LabelOptions& labels, const std::string& na_value) {
  TFCOMPAT_ASSIGN_OR_RETURN(const std::string text, ReadFileToString(Env::Default(), path, kMaxCsvBytes));
  const std::vector<std::string> header = HeaderFields(text);
  data::CsvColumnsOptions options{.header = true, .na_value = na_value};
  for (size_t i = 0; i < header.size(); ++i) {
    const std::string& name = header[i];
    const auto feature = spec.find(name);
    const bool is_label = !labels.column.empty() && name == labels.column;
    if (feature == spec.end() && !is_label) continue;
    options.column_names.push_back(name);
    options.select_cols.push_back(static_cast<int64_t>(i));
    options.record_defaults.push_back(is_label ? data::CsvColumn::Required(data::LabelDtype(labels))
                                               : CsvColumnFor(feature->second));
  }
  for (const auto& [key, feature] : spec) {
    if (std::find(options.column_names.begin(), options.column_names.end(), key) == options.column_names.end()) {
      return InvalidArgumentError(path + ": no column '" + key + "' in the header; the feature columns read it");
    }
  }
  if (!labels.column.empty() && std::find(options.column_names.begin(), options.column_names.end(), labels.column) ==
                                    options.column_names.end()) {
    return InvalidArgumentError(path + ": no label column '" + labels.column + "' in the header");
  }
  return data::ParseCsvColumns(text, path, options);
}

// Appends the rows of `more` to `all` (same columns, dense [rows] tensors).
Status AppendRows(data::ParsedFeatures more, data::ParsedFeatures* all) {
  if (all->dense.empty()) {
    *all = std::move(more);
    return OkStatus();
  }
  for (auto& [key, tensor] : all->dense) {
    const Tensor& rows = more.dense.at(key);
    const TensorShape shape = {tensor.shape()[0] + rows.shape()[0]};
    if (tensor.dtype() == DataType::kString) {
      std::vector<std::string> values = tensor.strings();
      values.insert(values.end(), rows.strings().begin(), rows.strings().end());
      TFCOMPAT_ASSIGN_OR_RETURN(tensor, Tensor::FromStrings(shape, std::move(values)));
    } else {
      std::string bytes(tensor.bytes());
      bytes.append(rows.bytes());
      TFCOMPAT_ASSIGN_OR_RETURN(tensor, Tensor::FromBytes(tensor.dtype(), shape, std::move(bytes)));
    }
  }
  all->batch_size += more.batch_size;
  return OkStatus();
}

StatusOr<estimator::InputFn> CsvInputFn(const std::vector<std::string>& files, const data::ExampleSpec& spec,
                                        const data::LabelOptions& labels, const std::string& na_value,
                                        const data::BatchOptions& options) {
  auto all = std::make_shared<data::ParsedFeatures>();
  for (const std::string& file : files) {
    TFCOMPAT_ASSIGN_OR_RETURN(data::ParsedFeatures columns, ReadCsvFile(file, spec, labels, na_value));
    TFCOMPAT_RETURN_IF_ERROR(AppendRows(std::move(columns), all.get()));
  }
  const std::string source =
      files.size() == 1 ? files[0] : files[0] + " and " + std::to_string(files.size() - 1) + " more";
  // Labels are checked now, so that bad data fails before training starts.
  TFCOMPAT_RETURN_IF_ERROR(data::FeatureBatches::Create(*all, source, options, labels).status());
  return estimator::InputFn([all, source, options, labels]() -> StatusOr<std::unique_ptr<data::BatchSource>> {
    TFCOMPAT_ASSIGN_OR_RETURN(auto batches, data::FeatureBatches::Create(*all, source, options, labels));
    return std::unique_ptr<data::BatchSource>(std::move(batches));
  });
}

estimator::InputFn TfRecordInputFn(std::vector<std::string> files, data::ExampleSpec spec,
                                   const data::LabelOptions& labels, const data::BatchOptions& options) {
  if (!labels.column.empty()) {
    spec[labels.column] = data::FixedLenFeature{.shape = {1}, .dtype = data::LabelDtype(labels)};
  }
  const bool gzip = files[0].size() > 3 && files[0].ends_with(".gz");
  const data::ExampleDatasetOptions dataset_options{
      .files = std::move(files),
      .compression = gzip ? RecordCompression::kGzip : RecordCompression::kNone,
      .batch_size = options.batch_size,
      .shuffle_buffer_size = options.shuffle ? kShuffleBufferSize : 0,
      .seed = options.seed,
      .num_epochs = options.num_epochs};
  return [dataset_options, spec, labels]() -> StatusOr<std::unique_ptr<data::BatchSource>> {
    TFCOMPAT_ASSIGN_OR_RETURN(auto dataset, data::ExampleDataset::Open(dataset_options, spec));
    TFCOMPAT_ASSIGN_OR_RETURN(auto batches, data::ExampleBatches::Create(std::move(dataset), labels));
    return std::unique_ptr<data::BatchSource>(std::move(batches));
  };
}

}  // namespace

StatusOr<estimator::InputFn> FeatureInputFn(const ModelRecord& record, const std::string& pattern, bool labelled,
                                            const data::BatchOptions& options) {
  TFCOMPAT_ASSIGN_OR_RETURN(const FeatureColumnSpec spec,
                            ParseFeatureColumnSpec(record.feature_column_spec, kModelRecordName.data()));
  TFCOMPAT_ASSIGN_OR_RETURN(std::vector<std::string> files, MatchFiles(pattern));
  const data::LabelOptions labels = Labels(record, labelled);
  if (record.input_format == "tfrecord") return TfRecordInputFn(std::move(files), spec.raw_features, labels, options);
  return CsvInputFn(files, spec.raw_features, labels, record.na_value, options);
}

}  // namespace tfcompat::estimator_tool
