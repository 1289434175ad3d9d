// SPDX-License-Identifier: Apache-2.0
// The input of a wide & deep model (a model over a feature-column spec):
// batches of typed features read from the files a glob matches, in the
// record's input format, with the label column as labels.
//
//   csv        each file has a header row naming its columns; the columns
//              the spec reads are decoded with the spec's types (a string
//              key as string, missing: ""; an int64 key as int64, missing:
//              -1 -- both dropped by the columns, as TF drops them; a
//              numeric column as float, missing: its default_value, or
//              required without one; a weight as float, missing: 0), the
//              label column with the label's type; the others are skipped.
//              `na_value` (and an empty field) is missing.
//   tfrecord   TFRecord files of tf.train.Example (GZIP when the name ends
//              in .gz), parsed with the spec's features plus the label as a
//              FixedLenFeature [1].
//
// Usage:
//   TFCOMPAT_ASSIGN_OR_RETURN(estimator::InputFn input_fn,
//                             FeatureInputFn(record, "data/penguins/*.csv", /*labelled=*/true,
//                                            {.batch_size = 32, .seed = 1}));
#ifndef TFCOMPAT_TOOLS_ESTIMATOR_FEATURE_INPUT_H_
#define TFCOMPAT_TOOLS_ESTIMATOR_FEATURE_INPUT_H_

#include <string>

#include "model_record.h"
#include "tfcompat/base/status.h"
#include "tfcompat/data/dataset.h"
#include "tfcompat/estimator/estimator.h"

namespace tfcompat::estimator_tool {

// The input of `record`'s wide & deep model over the files matching
// `pattern` (sorted): shuffled, repeated and batched by `options` (for
// tfrecord, shuffle uses a buffer of 10 000 records). Unlabelled, the label
// column is not read. CSV files are read here (NotFound when nothing
// matches, the CSV reader's errors naming file and line); a TFRecord file
// is opened by each call of the InputFn.
[[nodiscard]] StatusOr<estimator::InputFn> FeatureInputFn(const ModelRecord& record, const std::string& pattern,
                                                          bool labelled, const data::BatchOptions& options);

}  // namespace tfcompat::estimator_tool

#endif  // TFCOMPAT_TOOLS_ESTIMATOR_FEATURE_INPUT_H_
