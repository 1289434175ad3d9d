// SPDX-License-Identifier: Apache-2.0
// saved_model_bench: wall-clock time of Estimator::ExportSavedModel beside
// TensorFlow's Estimator.export_saved_model of the same checkpoint, in the
// same run.
//
//   build/bin/saved_model_bench [--runs N] [--python PYTHON] [--dir DIR]
//
// Models, each trained one step by our Estimator into a fresh model_dir:
//   iris  DNNClassifier, 4 numeric columns, hidden [10, 10], 3 classes;
//   mlp   DNNClassifier 784-512-512-10: 784 numeric columns x0000..x0783
//         (a column has shape [1] in this library), 10 classes.
// Both export with the parsing receiver (serialized tf.Examples, TF
// Serving's classify/regress/predict signatures). TF's side is
// bench/saved_model_bench_tf.py under PYTHON (default: the tf interop venv's;
// no TF column without it): a tf.compat.v1.estimator.DNNClassifier with the
// same columns pointed at our model_dir, kept between exports. Per model:
// one export of each first (a process's first export pays one-time costs:
// printed apart), then N rounds (default 5) of one export of ours then one
// of TF's, each into a fresh export_dir_base. Prints for each the wall-clock
// time of the first export and the median and range of the rounds', the
// median of their process CPU time (all threads; TF's export runs its
// restore on a thread pool), the ratios of the medians, and the bytes of
// saved_model.pb and variables/.
// Our export fsyncs its files and directories before returning, TF's does
// not: on a disk that other processes keep busy, an fsync waits for their
// writes too, which CPU time leaves out. DIR (default $TMPDIR or /tmp) holds
// a scratch directory removed at the end.
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli.h"
#include "tfcompat/estimator/estimator.h"

namespace tfcompat::estimator {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

template <typename T>
T OrDie(StatusOr<T> value) {
  if (!value.ok()) {
    std::fprintf(stderr, "saved_model_bench: %s\n", value.status().ToString().c_str());
    std::exit(2);
  }
  return std::move(value).value();
}

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "saved_model_bench: %s\n", message.c_str());
  std::exit(2);
}

struct BenchModel {
  std::string name;
  std::vector<std::string> features;
  std::vector<int64_t> hidden;
  int n_classes;
};

std::vector<std::string> NumberedFeatures(int count) {
  std::vector<std::string> names;
  for (int i = 0; i < count; ++i) {
    char name[16];
    std::snprintf(name, sizeof(name), "x%04d", i);
    names.emplace_back(name);
  }
  return names;
}

// A few rows of made-up features with every class as a label.
std::shared_ptr<const data::Dataset> SyntheticDataset(const BenchModel& m, int rows) {
  auto d = std::make_shared<data::Dataset>();
  d->feature_names = std::make_shared<const std::vector<std::string>>(m.features);
  uint32_t state = 12345;
  for (size_t i = 0; i < static_cast<size_t>(rows) * m.features.size(); ++i) {
    state = state * 1664525u + 1013904223u;
    d->features.push_back(static_cast<float>(state >> 8) * 0x1.0p-24f);
  }
  for (int r = 0; r < rows; ++r) d->labels.push_back(static_cast<float>(r % m.n_classes));
  return d;
}

// The estimator of `m` in `model_dir`, with a checkpoint after one step.
std::unique_ptr<Estimator> Trained(const BenchModel& m, const std::string& model_dir) {
  model::DNNClassifierOptions options;
  options.feature_columns = feature_column::NumericColumns(m.features).value();
  options.hidden_units = m.hidden;
  options.n_classes = m.n_classes;
  RunConfig config;
  config.model_dir = model_dir;
  config.tf_random_seed = 1;
  auto estimator = OrDie(Estimator::DNNClassifier(options, config, [](const std::string&) {}));
  const Status trained =
      estimator->Train(DatasetInputFn(SyntheticDataset(m, 32), {.batch_size = 32}), model::TrainSteps::Steps(1));
  if (!trained.ok()) Die(trained.ToString());
  return estimator;
}

// bench/saved_model_bench_tf.py as a coprocess: one request line in, one
// reply line out (protocol in the script).
class Peer {
 public:
  // Empty when PYTHON cannot be started.
  static std::unique_ptr<Peer> Start(const std::string& python, const std::string& script) {
    if (::access(python.c_str(), X_OK) != 0) return nullptr;
    int to_child[2], from_child[2];
    if (::pipe(to_child) != 0 || ::pipe(from_child) != 0) Die("pipe failed");
    const pid_t pid = ::fork();
    if (pid < 0) Die("fork failed");
    if (pid == 0) {
      ::dup2(to_child[0], STDIN_FILENO);
      ::dup2(from_child[1], STDOUT_FILENO);
      ::close(to_child[0]);
      ::close(to_child[1]);
      ::close(from_child[0]);
      ::close(from_child[1]);
      ::execl(python.c_str(), python.c_str(), script.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    return std::unique_ptr<Peer>(new Peer(pid, ::fdopen(to_child[1], "w"), ::fdopen(from_child[0], "r")));
  }

  ~Peer() {
    std::fclose(to_);
    std::fclose(from_);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  std::string Ask(const std::string& request) {
    std::fprintf(to_, "%s\n", request.c_str());
    std::fflush(to_);
    std::string reply;
    for (int c = std::fgetc(from_); c != '\n'; c = std::fgetc(from_)) {
      if (c == EOF) Die("the TensorFlow peer exited on: " + request);
      reply.push_back(static_cast<char>(c));
    }
    return reply;
  }

 private:
  Peer(pid_t pid, FILE* to, FILE* from) : pid_(pid), to_(to), from_(from) {}
  pid_t pid_;
  FILE* to_;
  FILE* from_;
};

std::string Join(const std::vector<std::string>& parts) {
  std::string joined;
  for (const std::string& part : parts) joined += (joined.empty() ? "" : ",") + part;
  return joined;
}

uint64_t TreeBytes(const fs::path& dir) {
  uint64_t total = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) total += entry.file_size();
  }
  return total;
}

double ProcessCpuSeconds() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// Wall-clock and process CPU seconds of one export, and where it went.
struct Export {
  double wall = 0;
  double cpu = 0;
  std::string path;
};

Export ExportOurs(Estimator& estimator, const std::string& base) {
  const double cpu_start = ProcessCpuSeconds();
  const auto start = Clock::now();
  std::string path = OrDie(estimator.ExportSavedModel(base));
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  return {wall, ProcessCpuSeconds() - cpu_start, std::move(path)};
}

Export ExportTf(Peer& peer, const std::string& base) {
  const std::string reply = peer.Ask("export " + base);
  Export result;
  char path[4096];
  if (std::sscanf(reply.c_str(), "%lf %lf %4095s", &result.wall, &result.cpu, path) != 3) {
    Die("unexpected reply of the TensorFlow peer: " + reply);
  }
  result.path = path;
  return result;
}

struct Summary {
  double median, min, max;
};

Summary Summarize(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  const double median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  return {median, values.front(), values.back()};
}

// The rounds of one exporter.
struct Rounds {
  Export first;
  std::vector<double> wall, cpu;
  std::string last_path;

  void Add(const Export& e) {
    wall.push_back(e.wall);
    cpu.push_back(e.cpu);
    last_path = e.path;
  }
};

void PrintRow(const char* who, const Rounds& r) {
  const fs::path dir(r.last_path);
  const Summary wall = Summarize(r.wall), cpu = Summarize(r.cpu);
  std::printf(
      "  %-22s wall: first %8.1f ms, median %8.1f ms (%.1f-%.1f); CPU median %8.1f ms; saved_model.pb %8llu B, "
      "variables/ %8llu B\n",
      who, r.first.wall * 1e3, wall.median * 1e3, wall.min * 1e3, wall.max * 1e3, cpu.median * 1e3,
      static_cast<unsigned long long>(fs::file_size(dir / "saved_model.pb")),
      static_cast<unsigned long long>(TreeBytes(dir / "variables")));
}

void Bench(const BenchModel& m, const fs::path& scratch, int runs, Peer* peer) {
  const fs::path root = scratch / m.name;
  std::unique_ptr<Estimator> estimator = Trained(m, (root / "model_dir").string());
  if (peer != nullptr) {
    std::vector<std::string> hidden;
    for (int64_t units : m.hidden) hidden.push_back(std::to_string(units));
    const std::string reply = peer->Ask("model " + (root / "model_dir").string() + " " + std::to_string(m.n_classes) +
                                        " " + Join(hidden) + " " + Join(m.features));
    if (reply != "ok") Die("the TensorFlow peer answered: " + reply);
  }
  int next = 0;
  const auto base = [&](const char* who) { return (root / (who + std::to_string(next++))).string(); };
  Rounds ours, tf;
  ours.first = ExportOurs(*estimator, base("ours-"));
  if (peer != nullptr) tf.first = ExportTf(*peer, base("tf-"));
  for (int round = 0; round < runs; ++round) {
    ours.Add(ExportOurs(*estimator, base("ours-")));
    if (peer != nullptr) tf.Add(ExportTf(*peer, base("tf-")));
  }
  std::printf("%s: DNNClassifier %zu features, hidden", m.name.c_str(), m.features.size());
  for (int64_t units : m.hidden) std::printf(" %lld", static_cast<long long>(units));
  std::printf(", %d classes; %d rounds\n", m.n_classes, runs);
  PrintRow("tfcompat (fsynced)", ours);
  if (peer != nullptr) {
    PrintRow("TF export_saved_model", tf);
    std::printf("  TF / tfcompat, medians: wall %.1fx, CPU %.1fx\n",
                Summarize(tf.wall).median / Summarize(ours.wall).median,
                Summarize(tf.cpu).median / Summarize(ours.cpu).median);
  }
  std::fflush(stdout);
}

int Main(int argc, char** argv) {
  CLI::App app{"Export time of Estimator::ExportSavedModel beside TF's export_saved_model", "saved_model_bench"};
  int runs = 5;
  std::string python = TFCOMPAT_BENCH_PYTHON;
  const char* tmpdir = std::getenv("TMPDIR");
  std::string dir = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
  app.add_option("--runs", runs, "Timed rounds per model, each one export of ours and one of TF's")
      ->check(cli::Positive<int>())
      ->capture_default_str();
  app.add_option("--python", python, "Python with TensorFlow 2.15 and tensorflow-estimator (empty: no TF column)")
      ->capture_default_str();
  app.add_option("--dir", dir, "Where the scratch directory is made (removed at the end)")->capture_default_str();
  if (const std::optional<int> exit_code = cli::Parse(app, argc, argv)) return *exit_code;

  std::string scratch_template = (fs::path(dir) / "saved_model_bench-XXXXXX").string();
  if (::mkdtemp(scratch_template.data()) == nullptr) Die("cannot create a directory in " + dir);
  const fs::path scratch(scratch_template);
  std::unique_ptr<Peer> peer =
      python.empty() ? nullptr : Peer::Start(python, std::string(TFCOMPAT_BENCH_DIR) + "/saved_model_bench_tf.py");
  if (peer == nullptr) std::printf("no TensorFlow column: no executable python at '%s'\n", python.c_str());
  const std::vector<BenchModel> models = {
      {"iris", {"SepalLength", "SepalWidth", "PetalLength", "PetalWidth"}, {10, 10}, 3},
      {"mlp", NumberedFeatures(784), {512, 512}, 10},
  };
  for (const BenchModel& m : models) Bench(m, scratch, runs, peer.get());
  peer.reset();
  fs::remove_all(scratch);
  return 0;
}

}  // namespace
}  // namespace tfcompat::estimator

int main(int argc, char** argv) { return tfcompat::estimator::Main(argc, argv); }
