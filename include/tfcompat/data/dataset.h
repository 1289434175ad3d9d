// SPDX-License-Identifier: Apache-2.0
// Datasets and batches: the examples of a data set in memory, and streams
// of batches over them (TF's `dataset.shuffle(...).repeat().batch(batch_size)`).
//
// Usage:
//   TFCOMPAT_ASSIGN_OR_RETURN(Dataset train, ReadCsvDataset("data/iris_training.csv", {}));
//   auto dataset = std::make_shared<const Dataset>(std::move(train));
//   TFCOMPAT_ASSIGN_OR_RETURN(auto batches, DatasetBatches::Create(dataset, {.batch_size = 32, .seed = 42}));
//   Batch batch;
//   TFCOMPAT_RETURN_IF_ERROR(batches->Next(&batch));
#ifndef TFCOMPAT_DATA_DATASET_H_
#define TFCOMPAT_DATA_DATASET_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tfcompat/base/status.h"
#include "tfcompat/data/features.h"

namespace tfcompat::data {

// Names of the feature columns of a batch, shared by all its batches.
using FeatureNames = std::shared_ptr<const std::vector<std::string>>;

// B examples: numeric features row-major [B, feature_names->size()],
// features of any type by key (typed CSV columns, parsed tf.train.Example
// records; read by models with feature columns, which also find a numeric
// feature there as a float [B, 1] tensor), labels [B] (class ids as floats
// for classifiers; empty when predicting).
struct Batch {
  FeatureNames feature_names;
  int64_t size = 0;
  std::vector<float> features;
  ParsedFeatures typed_features;
  std::vector<float> labels;
};

// A stream of batches (TF's input_fn). Next() returns OutOfRange at the end.
class BatchSource {
 public:
  virtual ~BatchSource() = default;
  [[nodiscard]] virtual Status Next(Batch* batch) = 0;
};

struct Dataset {
  FeatureNames feature_names;
  std::vector<std::string> class_names;  // kTfHeader's names, or the vocabulary
  std::string label_column;              // the label's name in a header row of column names
  std::vector<float> features;           // [num_rows, feature_names->size()]
  std::vector<float> labels;             // [num_rows], or empty: examples without labels
  int64_t num_rows() const {
    const size_t width = feature_names == nullptr ? 0 : feature_names->size();
    return static_cast<int64_t>(width == 0 ? labels.size() : features.size() / width);
  }
};

struct BatchOptions {
  int64_t batch_size = 128;
  bool shuffle = true;  // a fresh permutation of all rows every epoch
  uint64_t seed = 0;
  int64_t num_epochs = 0;  // 0: repeat forever
};

// Batches of a Dataset. With repetition, a batch may span two epochs (as
// repeat() before batch() does); the last batch of a finite stream may be
// smaller than batch_size.
class DatasetBatches final : public BatchSource {
 public:
  // InvalidArgument for an empty dataset, labels that are neither one per
  // row nor none, batch_size < 1 or num_epochs < 0.
  [[nodiscard]] static StatusOr<std::unique_ptr<DatasetBatches>> Create(std::shared_ptr<const Dataset> dataset,
                                                                        const BatchOptions& options);

  [[nodiscard]] Status Next(Batch* batch) override;

 private:
  DatasetBatches(std::shared_ptr<const Dataset> dataset, const BatchOptions& options);
  void StartEpoch();

  std::shared_ptr<const Dataset> dataset_;
  BatchOptions options_;
  std::vector<int64_t> order_;
  size_t position_ = 0;
  int64_t epoch_ = 0;
};

}  // namespace tfcompat::data

#endif  // TFCOMPAT_DATA_DATASET_H_
