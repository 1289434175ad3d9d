// SPDX-License-Identifier: Apache-2.0
// `estimator predict --saved_model DIR`: the examples of --predict and
// --predict_csv run through the SavedModel's "predict" signature
// (SavedModel::Run) instead of model_dir's checkpoint, its outputs read back
// as the model's predictions, so predict prints the same table or JSON.
//
// What each example becomes follows the signature's inputs:
//   raw receiver      one float input per feature, [batch] or [batch, k]:
//                     a row's values fill them in the order of
//                     --feature_names, else of a CSV header naming them
//                     (a single input needs neither);
//   parsing receiver  one string input (serialized tf.train.Examples): each
//                     feature named by --feature_names or the CSV header is
//                     a FloatList of one value, or, when there is a single
//                     name, of the whole row.
// A CSV file is read as predict reads it for a model_dir (TF's header, a
// header of column names, or none; a label column skipped).
#ifndef TFCOMPAT_TOOLS_ESTIMATOR_SAVED_MODEL_PREDICT_H_
#define TFCOMPAT_TOOLS_ESTIMATOR_SAVED_MODEL_PREDICT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "tfcompat/base/status.h"
#include "tfcompat/model/model.h"

namespace tfcompat::estimator_tool {

struct SavedModelPredictRequest {
  std::string dir;                         // holds saved_model.pb, tag set "serve"
  std::vector<std::string> feature_names;  // may be empty (see above)
  std::vector<std::string> rows;           // inline examples "5.1,3.3,1.7,0.5"
  std::string csv;                         // may be empty
  int64_t batch_size = 100;                // examples per SavedModel::Run
};

struct SavedModelPredictions {
  std::vector<model::Predictions> batches;
  std::vector<std::string> all_classes;  // a classifier's all_classes output; empty for a regressor
};

// Errors: those of SavedModel::Load naming the directory; NotFound when it
// has no "predict" signature; InvalidArgument naming the row (or file,
// line and column) for an example that does not fit the inputs, and for
// feature names that do not match them; a missing output key.
StatusOr<SavedModelPredictions> PredictWithSavedModel(const SavedModelPredictRequest& request);

}  // namespace tfcompat::estimator_tool

#endif  // TFCOMPAT_TOOLS_ESTIMATOR_SAVED_MODEL_PREDICT_H_
