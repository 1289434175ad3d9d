// Input: CSV files into a Dataset, and batches from a Dataset (TF's
// `dataset.shuffle(...).repeat().batch(batch_size)`).
//
// Two CSV layouts are read:
//
//   kTfHeader (TF's Iris files, tf.contrib.learn load_csv_with_header):
//       120,4,setosa,versicolor,virginica      <- rows, features, class names
//       6.4,2.8,5.6,2.2,2                      <- features..., class id
//   kColumnNames (an ordinary header row):
//       SepalLength,SepalWidth,PetalLength,PetalWidth,Species
//       6.4,2.8,5.6,2.2,2
//
// kAuto picks kTfHeader when the first two fields of the first line are
// integers. Labels are class ids in [0, n_classes) for classification (or
// names looked up in `label_vocabulary`), any number for regression.
// Errors name the file, the 1-based line and column, and what was expected:
//   "iris.csv:7: column 3 (PetalLength): expected a number, got 'abc'".
#ifndef TFCOMPAT_ESTIMATOR_CSV_INPUT_H_
#define TFCOMPAT_ESTIMATOR_CSV_INPUT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tfcompat/base/status.h"

namespace tfcompat::estimator {

// Names of the feature columns of a batch, shared by all its batches.
using FeatureNames = std::shared_ptr<const std::vector<std::string>>;

// B examples: features row-major [B, feature_names->size()], labels [B]
// (class ids as floats for classifiers; empty when predicting).
struct Batch {
  FeatureNames feature_names;
  int64_t size = 0;
  std::vector<float> features;
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
  std::vector<float> features;           // [num_rows, feature_names->size()]
  std::vector<float> labels;             // [num_rows]
  int64_t num_rows() const { return static_cast<int64_t>(labels.size()); }
};

enum class CsvLayout { kAuto, kTfHeader, kColumnNames };

struct CsvOptions {
  CsvLayout layout = CsvLayout::kAuto;
  // kTfHeader files carry no column names: give one per feature, or leave
  // empty for "x0", "x1", ... (kColumnNames: taken from the header row).
  std::vector<std::string> feature_names;
  // kColumnNames: the label column's name; empty means the last column.
  std::string label_column;
  // Classification when > 0: labels must be ids in [0, n_classes). With
  // kTfHeader, 0 means "as many classes as the header names"; with
  // kColumnNames, 0 means regression (labels are any finite number).
  int n_classes = 0;
  // When set, labels are these strings (id = index) instead of numbers.
  std::vector<std::string> label_vocabulary;
};

// Parses CSV text; `file_name` is used in error messages only.
[[nodiscard]] StatusOr<Dataset> ParseCsvDataset(std::string_view contents, std::string_view file_name,
                                                const CsvOptions& options);

// Reads and parses the file at `path` (at most 1 GiB).
[[nodiscard]] StatusOr<Dataset> ReadCsvDataset(const std::string& path, const CsvOptions& options);

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
  // InvalidArgument for an empty dataset, batch_size < 1 or num_epochs < 0.
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

}  // namespace tfcompat::estimator

#endif  // TFCOMPAT_ESTIMATOR_CSV_INPUT_H_
