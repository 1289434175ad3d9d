// SPDX-License-Identifier: Apache-2.0
// Batches with typed features for models with feature columns: a
// data::Batch whose typed_features hold the features by key and whose
// labels come from one of them, as an Estimator input_fn returns
// (features, labels) with `labels = features.pop(label_key)`.
//
//   - FeatureBatches: over features held in memory, one row per example
//     (what ReadCsvColumns returns): shuffled, repeated and batched as
//     DatasetBatches does (BatchOptions).
//   - ExampleBatches: over an ExampleDataset (TFRecord files of
//     tf.train.Example), each of its batches as it comes; it streams, so
//     memory holds the dataset's shuffle buffer and one batch.
//
// Usage:
//   const LabelOptions labels = {.column = "species", .vocabulary = {"Adelie", "Chinstrap", "Gentoo"}};
//   CsvColumnsOptions csv = {.record_defaults = {CsvColumn::String(""), CsvColumn::Float(0.0f)},
//                            .header = true, .na_value = "NA"};
//   TFCOMPAT_ASSIGN_OR_RETURN(ParsedFeatures columns, ReadCsvColumns("penguins.csv", csv));
//   TFCOMPAT_ASSIGN_OR_RETURN(auto batches, FeatureBatches::Create(std::move(columns), "penguins.csv",
//                                                                  {.batch_size = 32, .seed = 42}, labels));
//   Batch batch;  // batch.typed_features without "species"; batch.labels: class ids 0, 1, 2 as floats
//   TFCOMPAT_RETURN_IF_ERROR(batches->Next(&batch));
//
// Labels (LabelOptions): one value per example, a dense feature of shape
// [B] or [B, 1]:
//   - classifier with a vocabulary: a string feature; the class id is the
//     name's position in the vocabulary;
//   - classifier without one: an int32/int64 feature of class ids in
//     [0, n_classes);
//   - regressor: a float, double, int32 or int64 feature, as a float.
// Errors are InvalidArgument with TF's wording (its canned heads'), after
// the example's name, or for the whole label feature the source's and the
// label's ("penguins.csv:record 7": the data record counted from 0 in
// memory; for TFRecord files ExampleDataset::RecordName, the batch's first
// example for the whole feature):
//   "penguins.csv:record 7: Labels must >= 0: 'Adeley' is not in label_vocabulary"
//   "train.tfrecord:record 2: Labels must <= n_classes - 1: label 3, n_classes 3"
//   "penguins.csv: label species: Labels dtype should be integer. Instead got <dtype: 'float32'>."
//   "penguins.csv: label species: Labels dtype should be string if there is a vocabulary. Instead got
//    <dtype: 'int64'>"
//   "penguins.csv: label species: Cast string to float is not supported"
//   "train.tfrecord:record 0: label species: SparseTensor labels are not supported. ..."
// A batch without the label feature is InvalidArgument naming it. Without
// a label column (predicting) labels are empty and every feature stays.
#ifndef TFCOMPAT_DATA_FEATURE_BATCHES_H_
#define TFCOMPAT_DATA_FEATURE_BATCHES_H_

#include <memory>
#include <string>
#include <vector>

#include "tfcompat/base/status.h"
#include "tfcompat/data/dataset.h"
#include "tfcompat/data/example_dataset.h"
#include "tfcompat/data/features.h"

namespace tfcompat::data {

// Where a batch's labels come from and what they are.
struct LabelOptions {
  // The feature holding the labels, taken out of typed_features; empty: no
  // labels (prediction).
  std::string column = {};
  // Classifier: the number of classes, at least 2; 0 with a vocabulary is
  // its size. 0 without a vocabulary: a regressor.
  int n_classes = 0;
  // A classifier's class names (TF's label_vocabulary), distinct; empty:
  // the labels are class ids.
  std::vector<std::string> vocabulary = {};
};

// The dtype a label feature is read with (a CSV column's or an Example
// feature's): string with a vocabulary, int64 class ids, float for a
// regressor.
DataType LabelDtype(const LabelOptions& labels);

// Batches of examples held in memory. A batch may span two epochs; the last
// batch of a finite stream may be smaller than batch_size.
class FeatureBatches final : public BatchSource {
 public:
  // `features`: batch_size rows, dense features only (each [rows, ...]).
  // `source` names them in errors (the file they were read from). Every
  // label is checked here. InvalidArgument for no rows, a sparse feature, a
  // dense one of another row count, bad options (as DatasetBatches::Create
  // and LabelOptions above) or a bad label.
  [[nodiscard]] static StatusOr<std::unique_ptr<FeatureBatches>> Create(ParsedFeatures features, std::string source,
                                                                        const BatchOptions& options,
                                                                        const LabelOptions& labels);

  // OutOfRange "End of sequence" after the last batch.
  [[nodiscard]] Status Next(Batch* batch) override;

  ~FeatureBatches() override;

 private:
  struct Rep;
  explicit FeatureBatches(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

// The batches of an ExampleDataset with their labels.
class ExampleBatches final : public BatchSource {
 public:
  // InvalidArgument for a null dataset or bad LabelOptions.
  [[nodiscard]] static StatusOr<std::unique_ptr<ExampleBatches>> Create(std::unique_ptr<ExampleDataset> dataset,
                                                                        const LabelOptions& labels);

  // The dataset's next batch (its errors, OutOfRange at the end, as
  // ExampleDataset::Next) or a bad label.
  [[nodiscard]] Status Next(Batch* batch) override;

  ~ExampleBatches() override;

 private:
  struct Rep;
  explicit ExampleBatches(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace tfcompat::data

#endif  // TFCOMPAT_DATA_FEATURE_BATCHES_H_
