// SPDX-License-Identifier: Apache-2.0
// example_bench: tf.train.Example parsing rate of ExampleParser beside
// TensorFlow's tf.io.parse_example on the same records, in the same run, and
// the peak memory of an ExampleDataset streaming a large TFRecord file.
//
//   build/bin/example_bench [--examples 50000] [--batch 1024] [--runs 5]
//                           [--python PYTHON] [--dataset-mib 1024] [--dir DIR]
//
// Records: 10 features each, as a typical tabular input has them: 4 float
// scalars, a float [8] embedding, 2 int64 scalars, a string scalar (all
// FixedLenFeature), a VarLenFeature int64 of 0-5 values and a VarLenFeature
// string of 0-3 values. They are written to DIR/examples.tfrecord; TF's
// side is bench/example_bench_tf.py under PYTHON (default: the tf interop
// venv's; no TF column without it), which reads them back and parses the
// same batches with intra- and inter-op threads = 1. Both sides parse every
// batch `--runs` times; printed are the median and range of the runs in
// examples per second, by wall clock and by CPU time (ours: this thread's;
// TF's: its process's, all threads), and the ratios of the medians. Ours
// runs on one thread. CPU time is the steadier figure on a shared machine.
// A third row times the generated protobuf classes' ParseFromString alone,
// the floor of a parser built on them (why ExampleParser reads the wire
// format itself).
//
// Then (unless --dataset-mib 0) a file of that many MiB of the same records
// with a 1 KiB string feature added is written and read whole through
// ExampleDataset (shuffle buffer 10000, batch 256); printed are its records
// per second, the process's resident set before opening it and the most
// it reached while streaming (sampled after every batch). DIR (default
// $TMPDIR or /tmp) holds a scratch directory removed at the end.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "base/random.h"
#include "cli.h"
#include "tfcompat/data/example.h"
#include "tfcompat/data/example_dataset.h"
#include "tfcompat/io/record_writer.h"
#include "tfcompat/tensorflow/example.pb.h"
#include "thread_cpu_clock.h"

namespace tfcompat {
namespace {

using Clock = std::chrono::steady_clock;
using data::ExampleSpec;
using data::FixedLenFeature;
using data::VarLenFeature;

void Check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::cerr << "example_bench: " << what << ": " << s.ToString() << "\n";
    std::exit(1);
  }
}

// The spec of bench/example_bench_tf.py, key for key.
ExampleSpec Spec(bool with_blob) {
  ExampleSpec spec;
  for (int i = 0; i < 4; ++i) spec["f" + std::to_string(i)] = FixedLenFeature{.shape = {}, .dtype = DataType::kFloat};
  spec["emb"] = FixedLenFeature{.shape = {8}, .dtype = DataType::kFloat};
  spec["i0"] = FixedLenFeature{.shape = {}, .dtype = DataType::kInt64};
  spec["i1"] = FixedLenFeature{.shape = {}, .dtype = DataType::kInt64};
  spec["s0"] = FixedLenFeature{.shape = {}, .dtype = DataType::kString};
  spec["vi"] = VarLenFeature{.dtype = DataType::kInt64};
  spec["vs"] = VarLenFeature{.dtype = DataType::kString};
  if (with_blob) spec["blob"] = FixedLenFeature{.shape = {}, .dtype = DataType::kString};
  return spec;
}

std::string MakeRecord(Random* random, int64_t id, const std::string* blob) {
  tensorflow::Example example;
  auto& features = *example.mutable_features()->mutable_feature();
  for (int i = 0; i < 4; ++i) features["f" + std::to_string(i)].mutable_float_list()->add_value(random->Uniform());
  for (int i = 0; i < 8; ++i) features["emb"].mutable_float_list()->add_value(random->Uniform() - 0.5f);
  features["i0"].mutable_int64_list()->add_value(id);
  features["i1"].mutable_int64_list()->add_value(static_cast<int64_t>(random->UniformInt(1000)) - 500);
  features["s0"].mutable_bytes_list()->add_value("category_" + std::to_string(random->UniformInt(50)));
  auto* vi = features["vi"].mutable_int64_list();
  for (uint64_t n = random->UniformInt(6); n > 0; --n) vi->add_value(static_cast<int64_t>(random->UniformInt(100000)));
  auto* vs = features["vs"].mutable_bytes_list();
  for (uint64_t n = random->UniformInt(4); n > 0; --n) vs->add_value("tag" + std::to_string(random->UniformInt(20)));
  if (blob != nullptr) features["blob"].mutable_bytes_list()->add_value(*blob);
  return example.SerializeAsString();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// Examples per second of each run, by wall clock and by CPU time.
struct Rates {
  std::vector<double> wall, cpu;
};

std::string Cell(const std::vector<double>& rates) {
  if (rates.empty()) return "n/a";
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%9.0f [%.0f .. %.0f]", Median(rates), *std::min_element(rates.begin(), rates.end()),
                *std::max_element(rates.begin(), rates.end()));
  return buf;
}

void PrintRow(const char* who, const Rates& rates) {
  std::printf("  %-24s %-34s %s\n", who, Cell(rates.wall).c_str(), Cell(rates.cpu).c_str());
}

// The resident set now, from /proc/self/statm (0 where there is none).
double RssMib() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  long size = 0, resident = 0;
  if (f == nullptr) return 0;
  if (std::fscanf(f, "%ld %ld", &size, &resident) != 2) resident = 0;
  std::fclose(f);
  return static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)) / (1 << 20);
}

// Ours: every batch of `records`, `runs` times, on this thread.
Rates OurRates(const std::vector<std::string>& records, int64_t batch, int runs) {
  const data::ExampleParser parser = data::ExampleParser::Create(Spec(false)).value();
  std::vector<std::string_view> views(records.begin(), records.end());
  Rates rates;
  data::ParsedFeatures parsed;
  const auto count = static_cast<double>(views.size());
  for (int run = 0; run < runs; ++run) {
    const auto start = Clock::now();
    const auto cpu_start = bench::ThreadCpuClock::now();
    for (size_t at = 0; at < views.size(); at += static_cast<size_t>(batch)) {
      const size_t n = std::min(views.size() - at, static_cast<size_t>(batch));
      Check(parser.Parse(std::span(views).subspan(at, n), &parsed), "parse");
    }
    rates.cpu.push_back(count / std::chrono::duration<double>(bench::ThreadCpuClock::now() - cpu_start).count());
    rates.wall.push_back(count / std::chrono::duration<double>(Clock::now() - start).count());
  }
  return rates;
}

// A lower bound for a parser built on the generated protobuf classes: only
// ParseFromString into one reused Example per record, nothing gathered.
Rates ProtobufRates(const std::vector<std::string>& records, int runs) {
  Rates rates;
  tensorflow::Example example;
  const auto count = static_cast<double>(records.size());
  for (int run = 0; run < runs; ++run) {
    const auto start = Clock::now();
    const auto cpu_start = bench::ThreadCpuClock::now();
    for (const std::string& record : records) {
      if (!example.ParseFromString(record)) Check(DataLossError("protobuf parse"), "parse");
    }
    rates.cpu.push_back(count / std::chrono::duration<double>(bench::ThreadCpuClock::now() - cpu_start).count());
    rates.wall.push_back(count / std::chrono::duration<double>(Clock::now() - start).count());
  }
  return rates;
}

// TF's: "wall_rate cpu_rate" per run from the peer; empty when it cannot run.
Rates TfRates(const std::string& python, const std::string& file, int64_t batch, int runs) {
  Rates rates;
  if (python.empty()) return rates;
  const std::string command = python + " " + TFCOMPAT_BENCH_DIR + "/example_bench_tf.py " + file + " " +
                              std::to_string(batch) + " " + std::to_string(runs) + " 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return rates;
  double wall, cpu;
  while (std::fscanf(pipe, "%lf %lf", &wall, &cpu) == 2) {
    rates.wall.push_back(wall);
    rates.cpu.push_back(cpu);
  }
  if (::pclose(pipe) != 0) rates = Rates();
  return rates;
}

void WriteRecords(const std::string& path, const std::vector<std::string>& records) {
  auto writer = RecordWriter::Create(path);
  Check(writer.status(), "create");
  for (const std::string& r : records) Check((*writer)->WriteRecord(r), "write");
  Check((*writer)->Close(), "close");
}

void StreamLargeFile(const std::string& dir, int64_t mib) {
  const std::string path = dir + "/large.tfrecord";
  const std::string blob(1024, 'b');
  Random random(7);
  uint64_t bytes = 0;
  int64_t written = 0;
  {
    auto writer = RecordWriter::Create(path);
    Check(writer.status(), "create");
    while (bytes < static_cast<uint64_t>(mib) << 20) {
      const std::string record = MakeRecord(&random, written++, &blob);
      Check((*writer)->WriteRecord(record), "write");
      bytes += record.size() + 16;
    }
    Check((*writer)->Close(), "close");
  }
  const double rss_before = RssMib();
  auto dataset = data::ExampleDataset::Open(
      {.files = {path}, .batch_size = 256, .shuffle_buffer_size = 10000, .seed = 1}, Spec(true));
  Check(dataset.status(), "open");
  data::ParsedFeatures batch;
  int64_t seen = 0;
  double rss_peak = rss_before;
  Status s;
  const auto start = Clock::now();
  while ((s = (*dataset)->Next(&batch)).ok()) {
    seen += batch.batch_size;
    rss_peak = std::max(rss_peak, RssMib());
  }
  if (s.code() != StatusCode::kOutOfRange) Check(s, "dataset");
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (seen != written) Check(InternalError("the dataset lost records"), "dataset");
  std::printf("dataset: %.0f MiB file, %lld records of ~%.0f bytes, shuffle buffer 10000, batch 256\n",
              static_cast<double>(bytes) / (1 << 20), static_cast<long long>(written),
              static_cast<double>(bytes) / static_cast<double>(written));
  std::printf("  %.0f records/s (%.0f MiB/s); RSS %.1f MiB before opening, at most %.1f MiB while streaming\n",
              static_cast<double>(seen) / seconds, static_cast<double>(bytes) / (1 << 20) / seconds, rss_before,
              rss_peak);
}

int Main(int argc, char** argv) {
  CLI::App app{"tf.train.Example parsing benchmark", "example_bench"};
  int64_t examples = 50000, batch = 1024, dataset_mib = 1024;
  int runs = 5;
  std::string python = TFCOMPAT_BENCH_PYTHON;
  const char* tmp = std::getenv("TMPDIR");
  std::string dir = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/tfcompat-example-bench";
  app.add_option("--examples", examples, "Records to parse")->check(cli::Positive<int64_t>())->capture_default_str();
  app.add_option("--batch", batch, "Records per parse call")->check(cli::Positive<int64_t>())->capture_default_str();
  app.add_option("--runs", runs, "Timed passes over the records")->check(cli::Positive<int>())->capture_default_str();
  app.add_option("--python", python, "Python with TensorFlow, for the TF column (empty: skip)")->capture_default_str();
  app.add_option("--dataset-mib", dataset_mib, "Size of the file streamed through ExampleDataset (0: skip)")
      ->check(cli::NonNegative<int64_t>())
      ->capture_default_str();
  app.add_option("--dir", dir, "Scratch directory (removed at the end)")->capture_default_str();
  if (const std::optional<int> exit_code = cli::Parse(app, argc, argv)) return *exit_code;

  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  Random random(1);
  std::vector<std::string> records;
  size_t bytes = 0;
  for (int64_t i = 0; i < examples; ++i) {
    records.push_back(MakeRecord(&random, i, nullptr));
    bytes += records.back().size();
  }
  const std::string file = dir + "/examples.tfrecord";
  WriteRecords(file, records);
  std::printf("example_bench: %lld records of 10 features (%.0f bytes each on average), batches of %lld, %d runs\n",
              static_cast<long long>(examples), static_cast<double>(bytes) / static_cast<double>(examples),
              static_cast<long long>(batch), runs);
  std::printf("  %-24s %-34s %s\n", "", "examples/s wall [min .. max]", "examples/s CPU [min .. max]");
  const Rates ours = OurRates(records, batch, runs);
  PrintRow("tfcompat ExampleParser", ours);
  PrintRow("protobuf parse only (*)", ProtobufRates(records, runs));
  const Rates tf = TfRates(python, file, batch, runs);
  PrintRow("tf.io.parse_example", tf);
  if (!tf.wall.empty()) {
    std::printf("  ratio of medians: wall %.2fx, CPU %.2fx\n", Median(ours.wall) / Median(tf.wall),
                Median(ours.cpu) / Median(tf.cpu));
  }
  std::printf(
      "  (*) Example::ParseFromString of each record, no batch built: what a parser on the generated\n"
      "      classes would spend before gathering a single value\n");
  records.clear();
  records.shrink_to_fit();

  if (dataset_mib > 0) StreamLargeFile(dir, dataset_mib);
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace tfcompat

int main(int argc, char** argv) { return tfcompat::Main(argc, argv); }
