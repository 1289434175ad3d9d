// SPDX-License-Identifier: Apache-2.0
// ExampleDataset: batches of parsed tf.train.Example records streamed from
// TFRecord files, as TF's
//   tf.data.TFRecordDataset(files, compression_type)
//       .shuffle(shuffle_buffer_size, seed).repeat(num_epochs).batch(batch_size)
//       .map(lambda x: tf.io.parse_example(x, spec))
// produces them. Records are read as they are needed: memory holds the
// shuffle buffer's records and one batch, whatever the size of the files.
//
// Usage:
//   const ExampleSpec spec = {{"label", FixedLenFeature{.shape = {}, .dtype = DataType::kInt64}}};
//   TFCOMPAT_ASSIGN_OR_RETURN(auto dataset, ExampleDataset::Open({.file_pattern = "train-*.tfrecord.gz",
//                                                                 .compression = RecordCompression::kGzip,
//                                                                 .batch_size = 64,
//                                                                 .shuffle_buffer_size = 10000,
//                                                                 .seed = 7}, spec));
//   ParsedFeatures batch;
//   int64_t examples = 0;
//   Status s;
//   while ((s = dataset->Next(&batch)).ok()) examples += batch.batch_size;
//   if (s.code() != StatusCode::kOutOfRange) return s;
#ifndef TFCOMPAT_DATA_EXAMPLE_DATASET_H_
#define TFCOMPAT_DATA_EXAMPLE_DATASET_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tfcompat/base/status.h"
#include "tfcompat/data/example.h"
#include "tfcompat/io/record_writer.h"

namespace tfcompat::data {

struct ExampleDatasetOptions {
  // The files, read one after the other in this order; or, when `files` is
  // empty, the files matching the glob(3) pattern `file_pattern`, sorted.
  std::vector<std::string> files = {};
  std::string file_pattern = {};
  RecordCompression compression = RecordCompression::kNone;
  int64_t batch_size = 128;
  // TF's shuffle(): a buffer of this many records, each output drawn
  // uniformly from it and its place refilled from the files. 0 or 1 keeps
  // file order. The buffer drains at the end of each epoch, and every epoch
  // draws a new order (reshuffle_each_iteration=True).
  int64_t shuffle_buffer_size = 0;
  uint64_t seed = 0;
  // 0 repeats forever. A batch may span two epochs (repeat before batch);
  // the last batch of a finite stream may be smaller than batch_size.
  int64_t num_epochs = 1;
};

class ExampleDataset {
 public:
  // InvalidArgument for bad options or spec (ExampleParser::Create), no
  // files, batch_size < 1, shuffle_buffer_size < 0 or num_epochs < 0;
  // NotFound when the pattern matches nothing. The first file is opened
  // here, so a missing file fails now.
  [[nodiscard]] static StatusOr<std::unique_ptr<ExampleDataset>> Open(ExampleDatasetOptions options, ExampleSpec spec);
  ~ExampleDataset();
  ExampleDataset(const ExampleDataset&) = delete;
  ExampleDataset& operator=(const ExampleDataset&) = delete;

  // The next batch. OutOfRange after the last one (and when an epoch holds
  // no record, as repeat() of an empty dataset ends). A read error (DataLoss
  // naming the file and offset, a truncated last record included) or a
  // parse error (ExampleParser::Parse, the record named "<file>:record <n>")
  // is returned as is.
  [[nodiscard]] Status Next(ParsedFeatures* batch);

  // The name of example `i` of the batch the last successful Next()
  // returned, "<file>:record <n>" (n counts the file's records from 0), for
  // messages about it. Precondition: i < that batch's batch_size.
  std::string RecordName(int64_t i) const;

  // The files read, in order.
  const std::vector<std::string>& files() const;

 private:
  struct Rep;
  explicit ExampleDataset(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace tfcompat::data

#endif  // TFCOMPAT_DATA_EXAMPLE_DATASET_H_
