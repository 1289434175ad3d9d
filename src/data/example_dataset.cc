// SPDX-License-Identifier: Apache-2.0
// ExampleDataset: files -> records (RecordReader) -> shuffle buffer ->
// epochs -> batches -> ExampleParser.
#include "tfcompat/data/example_dataset.h"

#include <utility>

#include "base/random.h"
#include "io/file.h"
#include "tfcompat/io/record_reader.h"

namespace tfcompat::data {
namespace {

// A record and where it came from, to name it in a parse error.
struct Element {
  std::string bytes;
  uint32_t file = 0;
  uint64_t record = 0;
};

}  // namespace

struct ExampleDataset::Rep {
  ExampleDatasetOptions options;
  ExampleParser parser;
  Random random;

  // The input of the current epoch.
  size_t file = 0;
  std::unique_ptr<RecordReader> reader;
  uint64_t record = 0;  // in the current file
  bool input_done = false;

  std::vector<Element> buffer;  // the shuffle buffer
  int64_t epoch = 0;
  int64_t epoch_elements = 0;
  bool finished = false;
  std::vector<Element> batch;

  Rep(ExampleDatasetOptions o, ExampleParser p)
      : options(std::move(o)), parser(std::move(p)), random(SeedFor(options.seed, "ExampleDataset.shuffle")) {}

  Status OpenFile() {
    StatusOr<std::unique_ptr<RecordReader>> opened =
        RecordReader::Open(options.files[file], {.compression = options.compression});
    if (!opened.ok()) return opened.status();
    reader = std::move(*opened);
    record = 0;
    return OkStatus();
  }

  // The next record of this epoch's files; OutOfRange after the last.
  Status ReadRecord(Element* element) {
    while (true) {
      if (reader == nullptr) {
        if (file == options.files.size()) return OutOfRangeError("End of input");
        if (Status s = OpenFile(); !s.ok()) return s;
      }
      Status s = reader->ReadRecord(&element->bytes);
      if (s.ok()) {
        element->file = static_cast<uint32_t>(file);
        element->record = record++;
        return s;
      }
      if (s.code() != StatusCode::kOutOfRange) return s;
      if (reader->truncated_tail()) {
        return DataLossError(options.files[file] + ": truncated record at offset " + std::to_string(reader->offset()));
      }
      reader.reset();
      ++file;
    }
  }

  // The next element of this epoch, through the shuffle buffer;
  // OutOfRange at the end of the epoch.
  Status NextElement(Element* element) {
    if (options.shuffle_buffer_size <= 1) return ReadRecord(element);
    while (!input_done && static_cast<int64_t>(buffer.size()) < options.shuffle_buffer_size) {
      Element fresh;
      Status s = ReadRecord(&fresh);
      if (s.code() == StatusCode::kOutOfRange) {
        input_done = true;
      } else if (!s.ok()) {
        return s;
      } else {
        buffer.push_back(std::move(fresh));
      }
    }
    if (buffer.empty()) return OutOfRangeError("End of epoch");
    const size_t pick = static_cast<size_t>(random.UniformInt(buffer.size()));
    std::swap(buffer[pick], buffer.back());
    *element = std::move(buffer.back());
    buffer.pop_back();
    return OkStatus();
  }

  void StartEpoch() {
    file = 0;
    reader.reset();
    input_done = false;
    epoch_elements = 0;
  }

  std::string RecordName(const Element& element) const {
    return options.files[element.file] + ":record " + std::to_string(element.record);
  }
};

ExampleDataset::ExampleDataset(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
ExampleDataset::~ExampleDataset() = default;

const std::vector<std::string>& ExampleDataset::files() const { return rep_->options.files; }

std::string ExampleDataset::RecordName(int64_t i) const {
  return rep_->RecordName(rep_->batch[static_cast<size_t>(i)]);
}

StatusOr<std::unique_ptr<ExampleDataset>> ExampleDataset::Open(ExampleDatasetOptions options, ExampleSpec spec) {
  if (options.batch_size < 1) {
    return InvalidArgumentError("batch_size must be at least 1, got " + std::to_string(options.batch_size));
  }
  if (options.shuffle_buffer_size < 0) {
    return InvalidArgumentError("shuffle_buffer_size must be at least 0, got " +
                                std::to_string(options.shuffle_buffer_size));
  }
  if (options.num_epochs < 0) {
    return InvalidArgumentError("num_epochs must be at least 0 (0: forever), got " +
                                std::to_string(options.num_epochs));
  }
  if (options.files.empty()) {
    if (options.file_pattern.empty()) return InvalidArgumentError("An ExampleDataset needs files or a file_pattern");
    StatusOr<std::vector<std::string>> matched = MatchFiles(options.file_pattern);
    if (!matched.ok()) return matched.status();
    options.files = std::move(*matched);
  }
  StatusOr<ExampleParser> parser = ExampleParser::Create(std::move(spec));
  if (!parser.ok()) return parser.status();
  auto rep = std::make_unique<Rep>(std::move(options), std::move(*parser));
  if (Status s = rep->OpenFile(); !s.ok()) return s;
  return std::unique_ptr<ExampleDataset>(new ExampleDataset(std::move(rep)));
}

Status ExampleDataset::Next(ParsedFeatures* batch) {
  Rep& rep = *rep_;
  rep.batch.resize(static_cast<size_t>(rep.options.batch_size));
  size_t size = 0;
  while (!rep.finished && size < rep.batch.size()) {
    Status s = rep.NextElement(&rep.batch[size]);
    if (s.ok()) {
      ++size;
      ++rep.epoch_elements;
      continue;
    }
    if (s.code() != StatusCode::kOutOfRange) return s;
    ++rep.epoch;
    if (rep.epoch_elements == 0 || rep.epoch == rep.options.num_epochs) {
      rep.finished = true;
    } else {
      rep.StartEpoch();
    }
  }
  if (size == 0) return OutOfRangeError("End of sequence");

  std::vector<std::string_view> records(size);
  for (size_t i = 0; i < size; ++i) records[i] = rep.batch[i].bytes;
  Status s = rep.parser.Parse(records, batch);
  if (s.ok()) return s;
  // Parse again to name the records by file: names cost a string each, so
  // they are made only for a batch that fails.
  std::vector<std::string> names(size);
  for (size_t i = 0; i < size; ++i) names[i] = rep.RecordName(rep.batch[i]);
  Status named = rep.parser.Parse(records, batch, names);
  return named.ok() ? s : named;
}

}  // namespace tfcompat::data
