// SPDX-License-Identifier: Apache-2.0
// saved_model_run_bench: SavedModel::Run beside TensorFlow's C API
// (TF_LoadSessionFromSavedModel + TF_SessionRun, TF Serving's path) on the
// same SavedModel directories, in the same process and run.
//
//   build/bin/saved_model_run_bench [--runs N] [--calls C] [--batch_calls B]
//       [--tf_lib LIB] [--python PYTHON] [--models DIR] [--dir DIR]
//
// Each side runs as a serving loop would: ours keeps its input tensor and
// output map from call to call (SavedModel::Run into a map reuses their
// buffers); TF's allocates the input TF_Tensor and frees the outputs per
// call, which its C API requires.
//
// Models: bench/saved_model_run_bench_tf.py (run by PYTHON, default the tf
// interop venv's) trains and exports tf.compat.v1.estimator.DNNClassifiers
// with a raw receiver (one float input "x" [None, F]) into a scratch
// directory under DIR: iris (4-10-10-3) and mlp (784-512-512-10); --models
// DIR serves DIR/iris and DIR/mlp instead. Both sides run the "predict"
// signature and fetch all its outputs (logits, probabilities, class ids,
// class names...).
//
// TF's side: LIB (default: the venv's tensorflow/libtensorflow_cc.so.2,
// which exports the C API) is opened with dlopen at run time, so this builds
// without TensorFlow; only the C-API functions called are declared, from
// tensorflow/c/c_api.h. TF's session keeps its default thread pools.
//
// Per model, after a warm-up of each side, N rounds (default 5), each
// running, ours then TF's: C single-example calls (default 2000), timed one
// by one, giving the median and 99th percentile latency; and B calls on a
// batch of 256 examples (default 50), giving examples per second. Prints,
// for each side, the median over the rounds of each figure, and the ratios.
#include <dlfcn.h>
#include <stdlib.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli.h"
#include "tfcompat/saved_model/saved_model.h"

namespace tfcompat {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "saved_model_run_bench: %s\n", message.c_str());
  std::exit(2);
}

template <typename T>
T OrDie(StatusOr<T> value) {
  if (!value.ok()) Die(value.status().ToString());
  return std::move(value).value();
}

// The C API of tensorflow/c/c_api.h this bench calls: opaque types, and the
// functions' documented signatures, looked up with dlsym.
namespace tf_c {
struct TF_Graph;
struct TF_Session;
struct TF_SessionOptions;
struct TF_Status;
struct TF_Tensor;
struct TF_Operation;
struct TF_Buffer;
struct TF_Output {
  TF_Operation* oper;
  int index;
};
constexpr int kTfFloat = 1;  // TF_DataType TF_FLOAT

struct Api {
  TF_Graph* (*NewGraph)();
  void (*DeleteGraph)(TF_Graph*);
  TF_Status* (*NewStatus)();
  void (*DeleteStatus)(TF_Status*);
  int (*GetCode)(const TF_Status*);
  const char* (*Message)(const TF_Status*);
  TF_SessionOptions* (*NewSessionOptions)();
  void (*DeleteSessionOptions)(TF_SessionOptions*);
  TF_Session* (*LoadSessionFromSavedModel)(const TF_SessionOptions*, const TF_Buffer*, const char*, const char* const*,
                                           int, TF_Graph*, TF_Buffer*, TF_Status*);
  void (*CloseSession)(TF_Session*, TF_Status*);
  void (*DeleteSession)(TF_Session*, TF_Status*);
  TF_Operation* (*GraphOperationByName)(TF_Graph*, const char*);
  TF_Tensor* (*AllocateTensor)(int, const int64_t*, int, size_t);
  void* (*TensorData)(const TF_Tensor*);
  void (*DeleteTensor)(TF_Tensor*);
  void (*SessionRun)(TF_Session*, const TF_Buffer*, const TF_Output*, TF_Tensor* const*, int, const TF_Output*,
                     TF_Tensor**, int, const TF_Operation* const*, int, TF_Buffer*, TF_Status*);
};

template <typename F>
void Resolve(void* library, const char* name, F* function) {
  *function = reinterpret_cast<F>(::dlsym(library, name));
  if (*function == nullptr) Die(std::string("the TensorFlow library has no ") + name);
}

// Opens `path`; nullopt when it cannot be opened.
std::optional<Api> Open(const std::string& path) {
  void* library = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) return std::nullopt;
  Api api;
  Resolve(library, "TF_NewGraph", &api.NewGraph);
  Resolve(library, "TF_DeleteGraph", &api.DeleteGraph);
  Resolve(library, "TF_NewStatus", &api.NewStatus);
  Resolve(library, "TF_DeleteStatus", &api.DeleteStatus);
  Resolve(library, "TF_GetCode", &api.GetCode);
  Resolve(library, "TF_Message", &api.Message);
  Resolve(library, "TF_NewSessionOptions", &api.NewSessionOptions);
  Resolve(library, "TF_DeleteSessionOptions", &api.DeleteSessionOptions);
  Resolve(library, "TF_LoadSessionFromSavedModel", &api.LoadSessionFromSavedModel);
  Resolve(library, "TF_CloseSession", &api.CloseSession);
  Resolve(library, "TF_DeleteSession", &api.DeleteSession);
  Resolve(library, "TF_GraphOperationByName", &api.GraphOperationByName);
  Resolve(library, "TF_AllocateTensor", &api.AllocateTensor);
  Resolve(library, "TF_TensorData", &api.TensorData);
  Resolve(library, "TF_DeleteTensor", &api.DeleteTensor);
  Resolve(library, "TF_SessionRun", &api.SessionRun);
  return api;
}
}  // namespace tf_c

// One side of the comparison: runs the predict signature on a [batch, F]
// float input.
class Server {
 public:
  virtual ~Server() = default;
  virtual void Predict(const std::vector<float>& x, int64_t batch) = 0;
};

class OurServer : public Server {
 public:
  explicit OurServer(const std::string& dir) : model_(OrDie(SavedModel::Load(dir, {"serve"}))) {}
  // A serving loop's way: the input tensor and the output map are kept from
  // call to call, so their buffers are reused.
  void Predict(const std::vector<float>& x, int64_t batch) override {
    const auto features = static_cast<int64_t>(x.size()) / batch;
    Tensor& input = inputs_["x"];
    const int64_t shape[] = {batch, features};
    if (!input.Reset(DataType::kFloat, shape).ok()) Die("bad input shape");
    std::copy(x.begin(), x.end(), input.mutable_flat<float>().begin());
    if (const Status status = model_->Run("predict", inputs_, &outputs_); !status.ok()) Die(status.ToString());
  }
  const SignatureInfo& signature() const { return model_->signatures().at("predict"); }

 private:
  std::unique_ptr<SavedModel> model_;
  std::map<std::string, Tensor> inputs_, outputs_;
};

class TfServer : public Server {
 public:
  TfServer(const tf_c::Api& api, const std::string& dir, const SignatureInfo& signature) : api_(api) {
    graph_ = api_.NewGraph();
    status_ = api_.NewStatus();
    tf_c::TF_SessionOptions* options = api_.NewSessionOptions();
    const char* tags[] = {"serve"};
    session_ = api_.LoadSessionFromSavedModel(options, nullptr, dir.c_str(), tags, 1, graph_, nullptr, status_);
    api_.DeleteSessionOptions(options);
    Check("TF_LoadSessionFromSavedModel " + dir);
    input_ = Output(signature.inputs.at("x").name);
    for (const auto& [key, output] : signature.outputs) outputs_.push_back(Output(output.name));
  }
  ~TfServer() override {
    api_.CloseSession(session_, status_);
    api_.DeleteSession(session_, status_);
    api_.DeleteStatus(status_);
    api_.DeleteGraph(graph_);
  }
  void Predict(const std::vector<float>& x, int64_t batch) override {
    const int64_t dims[2] = {batch, static_cast<int64_t>(x.size()) / batch};
    tf_c::TF_Tensor* input = api_.AllocateTensor(tf_c::kTfFloat, dims, 2, x.size() * sizeof(float));
    std::copy(x.begin(), x.end(), static_cast<float*>(api_.TensorData(input)));
    std::vector<tf_c::TF_Tensor*> values(outputs_.size(), nullptr);
    api_.SessionRun(session_, nullptr, &input_, &input, 1, outputs_.data(), values.data(),
                    static_cast<int>(outputs_.size()), nullptr, 0, nullptr, status_);
    api_.DeleteTensor(input);
    Check("TF_SessionRun");
    for (tf_c::TF_Tensor* value : values) api_.DeleteTensor(value);
  }

 private:
  // "op:index" of the graph.
  tf_c::TF_Output Output(const std::string& name) {
    const size_t colon = name.rfind(':');
    tf_c::TF_Operation* op = api_.GraphOperationByName(graph_, name.substr(0, colon).c_str());
    if (op == nullptr) Die("TF's graph has no operation " + name);
    return {op, colon == std::string::npos ? 0 : std::stoi(name.substr(colon + 1))};
  }
  void Check(const std::string& what) {
    if (api_.GetCode(status_) != 0) Die(what + ": " + api_.Message(status_));
  }

  const tf_c::Api& api_;
  tf_c::TF_Graph* graph_ = nullptr;
  tf_c::TF_Status* status_ = nullptr;
  tf_c::TF_Session* session_ = nullptr;
  tf_c::TF_Output input_{};
  std::vector<tf_c::TF_Output> outputs_;
};

std::vector<float> Features(int64_t count) {
  std::vector<float> x(static_cast<size_t>(count));
  uint32_t state = 12345;
  for (float& v : x) {
    state = state * 1664525u + 1013904223u;
    v = static_cast<float>(state >> 8) * 0x1.0p-23f - 1.0f;
  }
  return x;
}

double Quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  const auto at = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size()))) - 1;
  return values[std::min(at, values.size() - 1)];
}
double Median(const std::vector<double>& values) { return Quantile(values, 0.5); }

struct Figures {
  std::vector<double> median_us, p99_us, batch_examples_per_s;
};

void Round(Server& server, const std::vector<float>& one, const std::vector<float>& batch, int calls, int batch_calls,
           Figures* figures) {
  std::vector<double> latencies;
  latencies.reserve(static_cast<size_t>(calls));
  for (int i = 0; i < calls; ++i) {
    const auto start = Clock::now();
    server.Predict(one, 1);
    latencies.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  figures->median_us.push_back(Median(latencies));
  figures->p99_us.push_back(Quantile(latencies, 0.99));
  const auto start = Clock::now();
  for (int i = 0; i < batch_calls; ++i) server.Predict(batch, 256);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  figures->batch_examples_per_s.push_back(256.0 * batch_calls / seconds);
}

void Bench(const std::string& name, const std::string& dir, const std::optional<tf_c::Api>& api, int runs, int calls,
           int batch_calls) {
  OurServer ours(dir);
  std::unique_ptr<TfServer> tf = api ? std::make_unique<TfServer>(*api, dir, ours.signature()) : nullptr;
  const int64_t features = ours.signature().inputs.at("x").shape->at(1);
  const std::vector<float> one = Features(features), batch = Features(256 * features);
  Figures our_figures, tf_figures;
  for (Server* server : {static_cast<Server*>(&ours), static_cast<Server*>(tf.get())}) {
    for (int i = 0; server != nullptr && i < 50; ++i) server->Predict(one, 1);
    if (server != nullptr) server->Predict(batch, 256);
  }
  for (int r = 0; r < runs; ++r) {
    Round(ours, one, batch, calls, batch_calls, &our_figures);
    if (tf != nullptr) Round(*tf, one, batch, calls, batch_calls, &tf_figures);
  }
  std::printf("%s (%lld features), medians of %d rounds:\n", name.c_str(), static_cast<long long>(features), runs);
  std::printf("  %-30s %12s %12s %16s\n", "", "1-ex median", "1-ex p99", "batch-256 ex/s");
  auto row = [](const char* side, const Figures& f) {
    std::printf("  %-30s %10.1fus %10.1fus %16.0f\n", side, Median(f.median_us), Median(f.p99_us),
                Median(f.batch_examples_per_s));
  };
  row("tfcompat SavedModel::Run", our_figures);
  if (tf != nullptr) {
    row("TF C API TF_SessionRun", tf_figures);
    std::printf("  TF / tfcompat: latency median %.1fx, p99 %.1fx; tfcompat / TF throughput %.2fx\n",
                Median(tf_figures.median_us) / Median(our_figures.median_us),
                Median(tf_figures.p99_us) / Median(our_figures.p99_us),
                Median(our_figures.batch_examples_per_s) / Median(tf_figures.batch_examples_per_s));
  }
  std::fflush(stdout);
}

// The venv's libtensorflow_cc.so.2, whatever its python3.X directory.
std::string DefaultTfLib() {
  const fs::path lib = fs::path(TFCOMPAT_BENCH_VENV) / "lib";
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(lib, error)) {
    const fs::path candidate = entry.path() / "site-packages/tensorflow/libtensorflow_cc.so.2";
    if (fs::exists(candidate, error)) return candidate.string();
  }
  return "";
}

int Main(int argc, char** argv) {
  CLI::App app{"SavedModel::Run latency and throughput beside TF's C API", "saved_model_run_bench"};
  int runs = 5, calls = 2000, batch_calls = 50;
  std::string tf_lib = DefaultTfLib(), python = std::string(TFCOMPAT_BENCH_VENV) + "/bin/python", models;
  const char* tmpdir = std::getenv("TMPDIR");
  std::string dir = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
  app.add_option("--runs", runs, "Rounds per model")->check(cli::Positive<int>())->capture_default_str();
  app.add_option("--calls", calls, "Single-example calls per round")
      ->check(cli::Positive<int>())
      ->capture_default_str();
  app.add_option("--batch_calls", batch_calls, "Batch-256 calls per round")
      ->check(cli::Positive<int>())
      ->capture_default_str();
  app.add_option("--tf_lib", tf_lib, "TensorFlow's libtensorflow_cc.so.2 (empty: no TF column)")->capture_default_str();
  app.add_option("--python", python, "Python with TensorFlow 2.15 that exports the models")->capture_default_str();
  app.add_option("--models", models, "Serve MODELS/iris and MODELS/mlp instead of exporting them");
  app.add_option("--dir", dir, "Where the scratch directory is made (removed at the end)")->capture_default_str();
  if (const std::optional<int> exit_code = cli::Parse(app, argc, argv)) return *exit_code;

  // TF's INFO lines (the loader's progress) would interleave with the table.
  ::setenv("TF_CPP_MIN_LOG_LEVEL", "2", /*overwrite=*/0);
  std::optional<tf_c::Api> api;
  if (!tf_lib.empty()) api = tf_c::Open(tf_lib);
  if (!api) std::printf("no TensorFlow column: cannot open '%s'\n", tf_lib.c_str());
  std::optional<fs::path> scratch;
  if (models.empty()) {
    std::string scratch_template = (fs::path(dir) / "saved_model_run_bench-XXXXXX").string();
    if (::mkdtemp(scratch_template.data()) == nullptr) Die("cannot create a directory in " + dir);
    scratch = scratch_template;
    models = scratch->string();
    const std::string command = python + " " + TFCOMPAT_BENCH_DIR + "/saved_model_run_bench_tf.py " + models + " >&2";
    if (std::system(command.c_str()) != 0) Die("exporting the models failed: " + command);
  }
  for (const char* name : {"iris", "mlp"})
    Bench(name, (fs::path(models) / name).string(), api, runs, calls, batch_calls);
  if (scratch) fs::remove_all(*scratch);
  return 0;
}

}  // namespace
}  // namespace tfcompat

int main(int argc, char** argv) { return tfcompat::Main(argc, argv); }
