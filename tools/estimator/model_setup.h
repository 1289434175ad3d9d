// SPDX-License-Identifier: Apache-2.0
// From the model flags and model_dir's record to the model, its input and
// its Estimator, as every subcommand of the `estimator` tool does it:
//
//   StatusOr<ToolModel> model = ModelFromFlags(flags);          // the record, or the flags and defaults
//   StatusOr<...> data = ReadData(path, /*labelled=*/true, &*model); // fills in what a new model lacks
//   StatusOr<...> estimator = MakeEstimator(model->record, flags.config, LogTo(err, quiet));
//
// Errors: InvalidArgument for flags (one contradicting the record, one that
// does not apply to the estimator, a missing setting): the usage exit code;
// anything else (a corrupt record, bad data) is an error.
#ifndef TFCOMPAT_TOOLS_ESTIMATOR_MODEL_SETUP_H_
#define TFCOMPAT_TOOLS_ESTIMATOR_MODEL_SETUP_H_

#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "model_flags.h"
#include "model_record.h"
#include "tfcompat/base/status.h"
#include "tfcompat/data/dataset.h"
#include "tfcompat/estimator/estimator.h"
#include "tfcompat/model/trainer.h"

namespace tfcompat::estimator_tool {

struct ToolModel {
  // The model's settings. Of a new model (recorded == false) the feature
  // columns may still be empty and a classifier's n_classes 0: ReadData
  // fills them in from a file.
  ModelRecord record;
  // Whether `record` is model_dir's record.
  bool recorded = false;
  // Where that record is (or will be).
  std::string record_path;
};

// model_dir's record when it has one, checked against every flag given (a
// contradiction names both values: "--hidden_units 20,20 contradicts 10,10
// recorded in D/estimator.json"); else the flags, with the defaults for
// what they leave unset (model_flags.h).
[[nodiscard]] StatusOr<ToolModel> ModelFromFlags(const ModelFlags& flags);

// Reads the CSV file at `path` as `model` reads its input: its feature
// columns picked by name (or in TF's layout by position), its label
// column, its label vocabulary or class count, or numbers for a regressor.
// Unlabelled, the label column (if any) is skipped. For a new model, sets
// what the file shows: the feature columns, the label column's name, a
// classifier's classes named by TF's header; a classifier whose classes
// are still unknown is then an InvalidArgument error naming the flags.
[[nodiscard]] StatusOr<std::shared_ptr<const data::Dataset>> ReadData(const std::string& path, bool labelled,
                                                                      ToolModel* model);

// For a model_dir without a record, reads flags.train_csv when given, to
// learn the feature columns, label column and classes from the training
// file as `train` did; does nothing for a recorded model.
[[nodiscard]] Status ReadTrainingFileUnlessRecorded(const ModelFlags& flags, ToolModel* model);

// The training data: --train_csv (--train_files for wide & deep), else
// the record's file; InvalidArgument naming the flag to give when there is
// neither.
[[nodiscard]] StatusOr<std::string> TrainSource(const ModelFlags& flags, const ToolModel& model);

// InvalidArgument, naming the flags to give, when a new model has no
// feature columns or (a classifier) no classes yet.
[[nodiscard]] Status CheckComplete(const ToolModel& model);

// The input of `model` from `source`: a CSV file read by ReadData (which
// may complete a new model) for the numeric models, or a glob of CSV or
// TFRecord files read with the feature-column spec's types for wide & deep
// (feature_input.h).
[[nodiscard]] StatusOr<estimator::InputFn> ModelInputFn(const std::string& source, bool labelled,
                                                        const data::BatchOptions& options, ToolModel* model);

// The canned Estimator of `record`, logging to `log`.
[[nodiscard]] StatusOr<std::unique_ptr<estimator::Estimator>> MakeEstimator(const ModelRecord& record,
                                                                            const estimator::RunConfig& config,
                                                                            estimator::LogFn log);

// With no checkpoint in model_dir, Estimator.evaluate and predict run on
// the model's initial values, as TF does; this says so on `err`, even with
// --quiet: "estimator: warning: no checkpoint in D: <doing> the model's
// initial values".
void WarnIfNoCheckpoint(const estimator::Estimator& estimator, std::string_view doing, std::ostream& err);

// Writes the model record once training has restored the checkpoint (or
// initialised a new model) under the model_dir's lock, unless a record
// appeared since the tool looked.
class WriteRecordHook final : public model::TrainHook {
 public:
  WriteRecordHook(std::string model_dir, ModelRecord record)
      : model_dir_(std::move(model_dir)), record_(std::move(record)) {}
  [[nodiscard]] Status Begin(int64_t global_step) override;

 private:
  std::string model_dir_;
  ModelRecord record_;
};

}  // namespace tfcompat::estimator_tool

#endif  // TFCOMPAT_TOOLS_ESTIMATOR_MODEL_SETUP_H_
