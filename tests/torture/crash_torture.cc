// SPDX-License-Identifier: Apache-2.0
// Crash torture: a child works in a directory and is SIGKILLed at a random
// moment; the next child carries on from what the previous one left.
// Three kinds of child (--mode):
//   manager    ModelDirLock, CheckpointManager saving global_step and a
//              weight tensor every step, SummaryWriter logging a scalar
//              every step;
//   estimator  Estimator::Train of a DNNClassifier on Iris, saving a
//              checkpoint every step and the loss every step;
//   export     Estimator::ExportSavedModel and Estimator::ExportOnnx in
//              turn, each followed by DeleteOldExports, of a DNNClassifier
//              trained on Iris once before the first child.
// The training children save synchronously, or with --save async through
// CheckpointManager::SaveAsync (manager) or RunConfig::async_checkpoint
// (estimator), so that kills also land while a background thread writes;
// a save counts as confirmed once the next one started (which returns the
// previous one's error). Each kill cycles through keep_checkpoint_max 1, 3
// and 0 (keep all). After every kill the harness checks that
//   - the state file parses and names a checkpoint that verifies (every
//     CRC) and restores, with a global_step matching its name (manager:
//     and weights matching its global_step);
//   - no checkpoint confirmed saved before the kill was lost, and no temp
//     file is listed as a checkpoint; leftovers (temp files, data files
//     without an index) seen after a kill are gone once a later child has
//     saved;
//   - every event file reads to its end (a truncated last record allowed,
//     never DataLoss), and every step confirmed flushed is in one of them;
//   - a resumed child restores the latest checkpoint the harness saw and
//     trains on from its global_step + 1.
// The export children: each kill cycles through exports_to_keep 1, 2 and 5.
// A child's clock (its Env's NowSeconds, which names the exports) starts a
// day past every name in the export directories, as a process restarted the
// next day, and advances a second per export, so exports need not wait for
// a new second. After every kill the harness checks that
//   - every integer-named directory is a whole export of the trained
//     global_step: a SavedModel that reads, with the serve signatures and
//     variables whose every CRC verifies, or a model.onnx that parses with
//     the classifier's outputs; nothing else is in it;
//   - the newest export confirmed before the kill is there;
//   - nothing but exports and temp-* directories is in an export directory,
//     and the temp-* directories seen after a kill are gone once a later
//     child has exported and deleted old exports there.
// It prints its counts and exits non-zero on any loss.
//
//   crash_torture [--mode manager|estimator|export] [--save sync|async] [--kills N] [--seed S]
//                 [--max-delay-ms M] [--dir DIR]
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "estimator/estimator_internal.h"
#include "io/export_dir.h"
#include "tfcompat/checkpoint/bundle.h"
#include "tfcompat/checkpoint/checkpoint.h"
#include "tfcompat/checkpoint/model_dir_lock.h"
#include "tfcompat/data/csv_input.h"
#include "tfcompat/estimator/estimator.h"
#include "tfcompat/onnx/onnx.pb.h"
#include "tfcompat/saved_model/saved_model_reader.h"
#include "tfcompat/summary/event_file_reader.h"
#include "tfcompat/summary/summary_writer.h"
#include "util/fault_env.h"
#include "util/iris.h"

namespace tfcompat {
namespace {

constexpr int64_t kWeights = 16 * 1024;  // 64 KiB of floats per checkpoint

float WeightAt(int64_t step, int64_t i) { return static_cast<float>(step) + static_cast<float>(i % 7); }

// A child reports on `report`, one line each:
//   "R <step>"  restored (0: fresh start)
//   "S <step>"  trained up to global step <step>
//   "C <step>"  the save of <step> returned OK
//   "E <step>"  the events up to <step> were flushed
//   "X <secs>"  the export named <secs> returned OK
//   "D <secs>"  DeleteOldExports after the export <secs> returned OK
class Reporter {
 public:
  explicit Reporter(int fd) : fd_(fd) {}
  void Say(char what, int64_t step) const {
    const std::string line = std::string(1, what) + " " + std::to_string(step) + "\n";
    if (::write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size())) ::_exit(3);
  }

 private:
  int fd_;
};

[[noreturn]] void Fail(const Status& s) {
  std::cerr << "child: " << s.ToString() << "\n";
  ::_exit(2);
}

// The manager child: trains until killed.
[[noreturn]] void TrainWithManager(const std::string& dir, int keep, bool async, const Reporter& report) {
  auto lock = ModelDirLock::Acquire(dir);
  if (!lock.ok()) Fail(lock.status());
  CheckpointManager::Options options;
  options.keep_checkpoint_max = keep;
  options.writer.sync = false;  // SIGKILL keeps the page cache; see README
  auto manager = CheckpointManager::Create(dir, options);
  if (!manager.ok()) Fail(manager.status());
  int64_t step = 0;
  if (auto latest = LatestCheckpoint(dir); latest.ok()) {
    auto values = RestoreVariables(*latest, {{"global_step", DataType::kInt64, TensorShape{}}});
    if (!values.ok()) Fail(values.status());
    step = (*values)[0].flat<int64_t>()[0];
  }
  report.Say('R', step);
  auto writer = SummaryWriter::Create(dir, {.max_queue = 10, .flush_secs = 120.0, .filename_suffix = {}});
  if (!writer.ok()) Fail(writer.status());
  std::vector<float> weights(kWeights);
  bool saved_before = false;
  for (;;) {
    ++step;
    report.Say('S', step);
    if (Status s = (*writer)->AddScalar("loss", 1.0f / static_cast<float>(step), step); !s.ok()) Fail(s);
    if (step % 3 == 0) {
      if (Status s = (*writer)->Flush(); !s.ok()) Fail(s);
      report.Say('E', step);
    }
    for (int64_t i = 0; i < kWeights; ++i) weights[static_cast<size_t>(i)] = WeightAt(step, i);
    if (async) {
      const CheckpointManager::TensorView views[] = {
          {"global_step", DataType::kInt64, {}, {reinterpret_cast<const char*>(&step), sizeof(step)}},
          {"w",
           DataType::kFloat,
           {kWeights},
           {reinterpret_cast<const char*>(weights.data()), weights.size() * sizeof(float)}}};
      // OK: the previous save of this child, if any (of step - 1), is complete.
      if (Status s = (*manager)->SaveAsync(step, views); !s.ok()) Fail(s);
      if (saved_before) report.Say('C', step - 1);
      saved_before = true;
      continue;
    }
    auto saved = (*manager)->Save(step, {{"global_step", Tensor::FromVector<int64_t>(DataType::kInt64, {}, {step})},
                                         {"w", Tensor::FromVector<float>(DataType::kFloat, {kWeights}, weights)}});
    if (!saved.ok()) Fail(saved.status());
    report.Say('C', step);
  }
}

// Reports what the Estimator does. Hooks run in order and the Estimator's
// own (which saves) runs last, so Begin precedes the save at the restored
// step, and AfterStep of step s follows the save of s - 1.
// With async_checkpoint the save started at s is only known complete once
// the save of s + 1 has started: at AfterStep of s + 2, from the save at
// the restored step on.
class ReportingHook final : public model::TrainHook {
 public:
  ReportingHook(const Reporter& report, bool async) : report_(report), async_(async) {}
  Status Begin(int64_t global_step) override {
    restored_ = global_step;
    report_.Say('R', global_step);
    return OkStatus();
  }
  Status AfterStep(const model::StepResult& result, bool*) override {
    report_.Say('S', result.global_step);
    const int64_t complete = result.global_step - (async_ ? 2 : 1);
    if (complete >= restored_) report_.Say('C', complete);
    return OkStatus();
  }

 private:
  const Reporter& report_;
  const bool async_;
  int64_t restored_ = 0;
};

// The Iris DNNClassifier in model_dir `dir`, saving a checkpoint and the
// loss every step; a child that cannot make it fails.
std::unique_ptr<estimator::Estimator> IrisEstimator(const std::string& dir, int keep, bool async) {
  estimator::RunConfig config;
  config.async_checkpoint = async;
  config.model_dir = dir;
  config.tf_random_seed = 1;
  config.save_checkpoints_steps = 1;
  config.keep_checkpoint_max = keep;
  config.save_summary_steps = 1;
  config.log_step_count_steps = 1000;
  auto made = estimator::Estimator::DNNClassifier(testing::IrisClassifierOptions(), config, [](const std::string&) {});
  if (!made.ok()) Fail(made.status());
  return *std::move(made);
}

estimator::InputFn IrisInput() {
  auto data = data::ReadCsvDataset(testing::RepoDataPath("iris_training.csv"), testing::IrisCsvOptions());
  if (!data.ok()) Fail(data.status());
  return estimator::DatasetInputFn(std::make_shared<const data::Dataset>(*std::move(data)),
                                   {.batch_size = 32, .seed = 7});
}

// The Estimator child: trains until killed.
[[noreturn]] void TrainWithEstimator(const std::string& dir, int keep, bool async, const Reporter& report) {
  const std::unique_ptr<estimator::Estimator> iris = IrisEstimator(dir, keep, async);
  ReportingHook hook(report, async);
  model::TrainHook* hooks[] = {&hook};
  Fail(iris->Train(IrisInput(), model::TrainSteps::Steps(int64_t{1} << 40), hooks));
}

// The steps trained before the first export child, and so the global_step
// of every export.
constexpr int64_t kExportedStep = 10;

// Where the export children work.
struct ExportDirs {
  std::string model_dir;
  std::string saved_model;  // the export_dir_base of the SavedModels
  std::string onnx;         // and of the ONNX models
};

// The export a child makes at `seconds`: SavedModel and ONNX in turn.
bool IsOnnxSecond(int64_t seconds) { return seconds % 2 == 1; }

// The export child: exports until killed, the clock at `seconds` for the
// first export and a second later for each next one.
[[noreturn]] void ExportUntilKilled(const ExportDirs& dirs, int keep, int64_t seconds, const Reporter& report) {
  const std::unique_ptr<estimator::Estimator> iris = IrisEstimator(dirs.model_dir, 1, false);
  testing::FaultEnv env;  // never told to fail: for its clock
  estimator::EstimatorAccess::SetEnv(*iris, &env);
  for (;; ++seconds) {
    env.ClearLog();  // nothing reads it; it would only grow
    env.FreezeClock(static_cast<double>(seconds));
    const std::string& base = IsOnnxSecond(seconds) ? dirs.onnx : dirs.saved_model;
    const StatusOr<std::string> exported =
        IsOnnxSecond(seconds) ? iris->ExportOnnx(base) : iris->ExportSavedModel(base);
    if (!exported.ok()) Fail(exported.status());
    if (*exported != JoinPath(base, std::to_string(seconds))) Fail(InternalError("exported " + *exported));
    report.Say('X', seconds);
    if (Status s = iris->DeleteOldExports(base, keep); !s.ok()) Fail(s);
    report.Say('D', seconds);
  }
}

enum class Mode { kManager, kEstimator, kExport };

// What a child reported before it died, in order.
struct ChildRun {
  bool killed = false;  // by our SIGKILL, not by itself
  int status = 0;       // of waitpid
  std::vector<std::pair<char, int64_t>> reports;
};

// Forks `child` (which never returns) with a pipe to report on, SIGKILLs
// it after a random delay of up to max_delay_ms and reads its reports;
// nullopt when no child could be started.
std::optional<ChildRun> RunUntilKilled(const std::function<void(const Reporter&)>& child, std::mt19937_64& rng,
                                       int max_delay_ms) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return std::nullopt;
  const pid_t pid = ::fork();
  if (pid < 0) return std::nullopt;
  if (pid == 0) {
    ::close(pipe_fds[0]);
    child(Reporter(pipe_fds[1]));
    ::_exit(4);
  }
  ::close(pipe_fds[1]);
  const int delay_us = static_cast<int>(rng() % static_cast<uint64_t>(max_delay_ms * 1000 + 1));
  std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
  ::kill(pid, SIGKILL);
  ChildRun run;
  ::waitpid(pid, &run.status, 0);
  run.killed = WIFSIGNALED(run.status) && WTERMSIG(run.status) == SIGKILL;
  std::string reports;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(pipe_fds[0], buffer, sizeof(buffer))) > 0) reports.append(buffer, static_cast<size_t>(n));
  ::close(pipe_fds[0]);
  for (size_t pos = 0; pos + 2 < reports.size();) {
    const size_t eol = reports.find('\n', pos);
    if (eol == std::string::npos) break;
    run.reports.emplace_back(reports[pos], std::stoll(reports.substr(pos + 2, eol - pos - 2)));
    pos = eol + 1;
  }
  return run;
}

// Counts failed checks, printing each.
class Checker {
 public:
  bool operator()(bool ok, const std::string& what) {
    if (!ok) {
      ++failed_;
      std::cerr << "kill " << kills_ << ": " << what << "\n";
    }
    return ok;
  }
  // Counts a kill; a child that died otherwise is a failed check.
  void Killed(const ChildRun& run) {
    ++kills_;
    (*this)(run.killed, "child exited before the kill with status " + std::to_string(run.status));
  }
  int kills() const { return kills_; }
  int failed() const { return failed_; }

 private:
  int kills_ = 0;
  int failed_ = 0;
};

struct Totals {
  int restores_ok = 0;
  int no_checkpoint_yet = 0;
  int resumes_checked = 0;
  int leftovers_seen = 0;
  int truncated_tails = 0;
};

bool IsTemp(const std::string& name) {
  return name.find(".tempstate") != std::string::npos || name.find(".tmp") != std::string::npos;
}

// A file a killed save left. Its name alone does not tell it apart from a
// later file of that name: a child that removed it may be killed at the same
// point of the same save again, or while deleting that checkpoint once
// dropped. Its inode and modification time do.
struct LeftoverFile {
  std::string name;
  ino_t inode = 0;
  int64_t mtime_ns = 0;
  auto operator<=>(const LeftoverFile&) const = default;
};

// What a killed save can leave: temp files, and data files whose index
// never got its name.
std::set<LeftoverFile> Leftovers(const std::string& dir) {
  std::set<std::string> names;
  std::set<LeftoverFile> leftovers;
  for (const auto& entry : boost::filesystem::directory_iterator(dir)) names.insert(entry.path().filename().string());
  for (const std::string& name : names) {
    const size_t data = name.find(".data-");
    if (IsTemp(name) || (data != std::string::npos && names.count(name.substr(0, data) + ".index") == 0)) {
      struct stat st {};
      if (::stat(JoinPath(dir, name).c_str(), &st) != 0) continue;
      leftovers.insert({name, st.st_ino, int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec});
    }
  }
  return leftovers;
}

// Steps of every "loss" scalar in the event files of `dir`; false (with a
// message) if any file does not read to its end.
bool ReadEventSteps(const std::string& dir, std::set<int64_t>* steps, Totals* totals) {
  for (const auto& entry : boost::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("events.out.tfevents.", 0) != 0) continue;
    auto reader = EventFileReader::Open(entry.path().string());
    if (!reader.ok()) {
      std::cerr << reader.status().ToString() << "\n";
      return false;
    }
    EventView event;
    Status s;
    while ((s = (*reader)->ReadEvent(&event)).ok()) {
      for (const SummaryValueView& value : event.values) {
        if (value.tag == "loss") steps->insert(event.step);
      }
    }
    if (s.code() != StatusCode::kOutOfRange) {
      std::cerr << s.ToString() << "\n";
      return false;
    }
    if ((*reader)->truncated_tail()) ++totals->truncated_tails;
  }
  return true;
}

// The global step of the checkpoint `prefix` after checking every CRC,
// that it matches the prefix's "-<step>", and (manager) the weights.
StatusOr<int64_t> CheckCheckpoint(const std::string& prefix, Mode mode) {
  auto reader = BundleReader::Open(prefix);
  if (!reader.ok()) return reader.status();
  if (Status s = (*reader)->VerifyAll(); !s.ok()) return s;
  auto values = RestoreVariables(prefix, {{"global_step", DataType::kInt64, TensorShape{}}});
  if (!values.ok()) return values.status();
  const int64_t step = (*values)[0].flat<int64_t>()[0];
  if (!prefix.ends_with("-" + std::to_string(step))) {
    return DataLossError(prefix + " holds global_step " + std::to_string(step));
  }
  if (mode == Mode::kManager) {
    auto w = RestoreVariables(prefix, {{"w", DataType::kFloat, TensorShape{kWeights}}});
    if (!w.ok()) return w.status();
    const auto weights = (*w)[0].flat<float>();
    for (int64_t i = 0; i < kWeights; ++i) {
      if (weights[static_cast<size_t>(i)] != WeightAt(step, i)) return DataLossError(prefix + ": wrong weights");
    }
  }
  return step;
}

int RunTraining(Mode mode, bool async, int kills, uint64_t seed, int max_delay_ms, const std::string& dir) {
  boost::filesystem::remove_all(dir);
  boost::filesystem::create_directories(dir);
  std::mt19937_64 rng(seed);
  Totals totals;
  Checker check;
  int64_t confirmed_checkpoint = 0;
  int64_t latest_step = 0;  // of the latest checkpoint after the previous kill
  std::set<int64_t> confirmed_events;
  std::set<LeftoverFile> leftovers_before;  // seen after the previous kill
  for (int k = 0; k < kills; ++k) {
    const int keep = std::vector<int>{1, 3, 0}[static_cast<size_t>(k) % 3];
    const std::optional<ChildRun> run = RunUntilKilled(
        [&](const Reporter& report) {
          if (mode == Mode::kManager) TrainWithManager(dir, keep, async, report);
          TrainWithEstimator(dir, keep, async, report);
        },
        rng, max_delay_ms);
    if (!run.has_value()) return 1;
    check.Killed(*run);
    // What the child confirmed before it died.
    int64_t restored_at = -1, first_step = -1;
    bool saved_this_run = false;
    for (const auto& [what, step] : run->reports) {
      if (what == 'R') restored_at = step;
      if (what == 'S' && first_step < 0) first_step = step;
      if (what == 'C') {
        confirmed_checkpoint = std::max(confirmed_checkpoint, step);
        saved_this_run = true;
      }
      if (what == 'E') confirmed_events.insert(step);
    }
    if (restored_at >= 0) {
      check(restored_at == latest_step, "restored step " + std::to_string(restored_at) +
                                            " but the latest checkpoint was " + std::to_string(latest_step));
      if (first_step >= 0) {
        ++totals.resumes_checked;
        check(first_step == restored_at + 1,
              "trained step " + std::to_string(first_step) + " first after restoring " + std::to_string(restored_at));
      }
    }

    // The checkpoints.
    auto state = ReadCheckpointState(dir);
    if (!state.ok() && state.status().code() == StatusCode::kNotFound && confirmed_checkpoint == 0) {
      ++totals.no_checkpoint_yet;
    } else if (check(state.ok(), "state file: " + state.status().ToString())) {
      for (const std::string& path : state->all_model_checkpoint_paths) {
        check(!IsTemp(path), "state file lists temp file " + path);
      }
      auto latest = LatestCheckpoint(dir);
      if (check(latest.ok(), "latest: " + latest.status().ToString())) {
        const StatusOr<int64_t> step = CheckCheckpoint(*latest, mode);
        if (check(step.ok(), *latest + ": " + step.status().ToString()) &&
            check(*step >= confirmed_checkpoint, "latest checkpoint at step " + std::to_string(*step) + ", step " +
                                                     std::to_string(confirmed_checkpoint) + " was confirmed saved")) {
          ++totals.restores_ok;
          latest_step = *step;
        }
      }
    }

    // Leftovers of the previous kill are gone once a child saved.
    const std::set<LeftoverFile> leftovers = Leftovers(dir);
    totals.leftovers_seen += static_cast<int>(leftovers.size());
    if (saved_this_run) {
      for (const LeftoverFile& t : leftovers_before) {
        check(leftovers.count(t) == 0, "leftover " + t.name + " survived a save");
      }
    }
    if (saved_this_run) leftovers_before.clear();
    leftovers_before.insert(leftovers.begin(), leftovers.end());

    // The events.
    std::set<int64_t> steps;
    if (check(ReadEventSteps(dir, &steps, &totals), "an event file does not read to its end")) {
      for (int64_t step : confirmed_events) {
        if (!check(steps.count(step) == 1, "flushed step " + std::to_string(step) + " missing from the event files")) {
          break;
        }
      }
    }
  }
  std::cout << "crash_torture (" << (mode == Mode::kManager ? "manager" : "estimator") << (async ? ", async" : "")
            << "): " << check.kills() << " kills, " << totals.restores_ok << " restores ok, "
            << totals.no_checkpoint_yet << " before any checkpoint, " << totals.resumes_checked
            << " resumes at the restored step + 1, " << totals.leftovers_seen
            << " leftover files seen (all removed by the next save), " << totals.truncated_tails
            << " event files with a truncated last record, " << check.failed() << " data lost; last confirmed step "
            << confirmed_checkpoint << "\n";
  return check.failed() == 0 && totals.restores_ok > 0 ? 0 : 1;
}

// Everything in `dir`, as paths relative to it ("variables",
// "variables/variables.index"); directories too.
std::set<std::string> Contents(const std::string& dir) {
  std::set<std::string> contents;
  for (const auto& entry : boost::filesystem::recursive_directory_iterator(dir)) {
    contents.insert(entry.path().lexically_relative(dir).string());
  }
  return contents;
}

// Checks the SavedModel export `dir`: its three files and nothing else, a
// saved_model.pb that reads, with the classifier's signatures, and
// variables whose every CRC verifies, holding the model's variables and the
// global_step trained.
Status CheckSavedModelExport(const std::string& dir) {
  if (Contents(dir) != std::set<std::string>{"saved_model.pb", "variables", "variables/variables.index",
                                             "variables/variables.data-00000-of-00001"}) {
    return DataLossError(dir + " does not hold exactly saved_model.pb and variables/variables.{index,data-*}");
  }
  auto model = SavedModelReader::Open(dir);
  if (!model.ok()) return model.status();
  auto serve = (*model)->FindMetaGraph({"serve"});
  if (!serve.ok()) return serve.status();
  std::set<std::string> signatures;
  for (const auto& [key, signature] : (*serve)->signatures) signatures.insert(key);
  if (signatures != std::set<std::string>{"classification", "predict", "serving_default"}) {
    return DataLossError((*model)->file() + ": not the classifier's signatures");
  }
  auto variables = BundleReader::Open(SavedModelVariablesPrefix(dir));
  if (!variables.ok()) return variables.status();
  if (Status s = (*variables)->VerifyAll(); !s.ok()) return s;
  std::vector<std::string> names;
  for (const BundleEntry& entry : (*variables)->entries()) names.push_back(entry.name);
  if (names != std::vector<std::string>{"dnn/hiddenlayer_0/bias", "dnn/hiddenlayer_0/kernel", "dnn/hiddenlayer_1/bias",
                                        "dnn/hiddenlayer_1/kernel", "dnn/logits/bias", "dnn/logits/kernel",
                                        "global_step"}) {
    return DataLossError((*variables)->prefix() + ": not the DNNClassifier's variables");
  }
  auto step = (*variables)->Lookup("global_step");
  if (!step.ok()) return step.status();
  if (step->flat<int64_t>()[0] != kExportedStep) return DataLossError((*variables)->prefix() + ": wrong global_step");
  return OkStatus();
}

// Checks the ONNX export `dir`: model.onnx and nothing else, parsing as a
// ModelProto with the classifier's outputs and the global_step trained. That
// is in metadata_props, the last field written, after the graph: a file cut
// short after the graph still parses, but without it.
Status CheckOnnxExport(const std::string& dir) {
  if (Contents(dir) != std::set<std::string>{estimator::kOnnxModelFileName}) {
    return DataLossError(dir + " does not hold exactly " + estimator::kOnnxModelFileName);
  }
  const std::string path = JoinPath(dir, estimator::kOnnxModelFileName);
  auto bytes = ReadFileToString(Env::Default(), path, uint64_t{1} << 24);
  if (!bytes.ok()) return bytes.status();
  onnx::ModelProto model;
  if (!model.ParseFromString(*bytes)) return DataLossError(path + " does not parse as an ONNX ModelProto");
  std::vector<std::string> outputs;
  for (const onnx::ValueInfoProto& output : model.graph().output()) outputs.push_back(output.name());
  if (outputs !=
      std::vector<std::string>{"logits", "probabilities", "class_ids", "classes", "all_class_ids", "all_classes"}) {
    return DataLossError(path + ": not the classifier's outputs");
  }
  if (model.metadata_props_size() != 1 || model.metadata_props(0).key() != "global_step" ||
      model.metadata_props(0).value() != std::to_string(kExportedStep)) {
    return DataLossError(path + ": no global_step " + std::to_string(kExportedStep) + " in metadata_props");
  }
  return OkStatus();
}

// The seconds a temp-<seconds> or temp-<seconds>-deleted name gives.
std::optional<int64_t> TempSeconds(const std::string& name) {
  if (!name.starts_with("temp-")) return std::nullopt;
  std::string_view seconds = std::string_view(name).substr(5);
  if (seconds.ends_with("-deleted")) seconds.remove_suffix(8);
  return ExportSeconds(seconds);
}

// One export_dir_base as the harness follows it.
struct ExportBase {
  std::string dir;
  Status (*check_export)(const std::string& dir);
  int64_t newest_confirmed = 0;
  bool cleaned_this_run = false;                // an export and DeleteOldExports confirmed
  std::set<std::string> leftovers_before = {};  // seen after the previous kill
};

struct ExportTotals {
  std::set<std::string> exports_checked;  // every integer-named directory seen
  int checks = 0;
  int confirmed = 0;
  int before_any_export = 0;             // kills of a child that confirmed none
  std::set<std::string> leftovers_seen;  // temp-* directories
  int leftovers_removed = 0;
};

// Checks `base` after a kill; returns the largest seconds of any name in it.
int64_t CheckExportBase(ExportBase& base, Checker& check, ExportTotals& totals) {
  int64_t newest_name = 0;
  std::set<std::string> names, leftovers;
  if (boost::filesystem::exists(base.dir)) {
    for (const auto& entry : boost::filesystem::directory_iterator(base.dir)) {
      names.insert(entry.path().filename().string());
    }
  }
  for (const std::string& name : names) {
    const std::string path = JoinPath(base.dir, name);
    if (const std::optional<int64_t> seconds = ExportSeconds(name); seconds.has_value()) {
      const Status whole = base.check_export(path);
      check(whole.ok(), "export " + path + ": " + whole.ToString());
      totals.exports_checked.insert(path);
      ++totals.checks;
      newest_name = std::max(newest_name, *seconds);
    } else if (const std::optional<int64_t> temp = TempSeconds(name);
               check(temp.has_value() && boost::filesystem::is_directory(path), "unexpected entry " + path)) {
      leftovers.insert(name);
      newest_name = std::max(newest_name, *temp);
    }
  }
  // Each DeleteOldExports follows an export there that was confirmed before
  // it began and is the newest there (the clock only advances); it keeps at
  // least that one, so the newest confirmed export is never deleted.
  check(base.newest_confirmed == 0 || names.count(std::to_string(base.newest_confirmed)) == 1,
        "confirmed export " + JoinPath(base.dir, std::to_string(base.newest_confirmed)) + " is gone");
  for (const std::string& name : base.leftovers_before) {
    if (leftovers.count(name) == 0) {
      ++totals.leftovers_removed;
    } else {
      check(!base.cleaned_this_run, "leftover " + JoinPath(base.dir, name) + " survived an export and its deletions");
    }
  }
  for (const std::string& name : leftovers) totals.leftovers_seen.insert(JoinPath(base.dir, name));
  base.leftovers_before = std::move(leftovers);
  return newest_name;
}

int RunExports(int kills, uint64_t seed, int max_delay_ms, const std::string& dir) {
  boost::filesystem::remove_all(dir);
  const ExportDirs dirs{JoinPath(dir, "model"), JoinPath(dir, "export"), JoinPath(dir, "onnx")};
  const pid_t trainer = ::fork();
  if (trainer < 0) return 1;
  if (trainer == 0) {
    // In a child, so that this process starts no thread pool to fork with.
    if (Status s = IrisEstimator(dirs.model_dir, 1, false)->Train(IrisInput(), model::TrainSteps::Steps(kExportedStep));
        !s.ok()) {
      Fail(s);
    }
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(trainer, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::cerr << "training the model to export failed\n";
    return 1;
  }
  std::mt19937_64 rng(seed);
  Checker check;
  ExportTotals totals;
  ExportBase saved_model{.dir = dirs.saved_model, .check_export = CheckSavedModelExport};
  ExportBase onnx{.dir = dirs.onnx, .check_export = CheckOnnxExport};
  int64_t newest_name = 1700000000;
  for (int k = 0; k < kills; ++k) {
    const int keep = std::vector<int>{1, 2, 5}[static_cast<size_t>(k) % 3];
    // A day on, so what earlier children left is stale for this one.
    const int64_t first = newest_name + kStaleExportTempSeconds + 1;
    const std::optional<ChildRun> run = RunUntilKilled(
        [&](const Reporter& report) { ExportUntilKilled(dirs, keep, first, report); }, rng, max_delay_ms);
    if (!run.has_value()) return 1;
    check.Killed(*run);
    if (run->reports.empty()) ++totals.before_any_export;
    for (const auto& [what, seconds] : run->reports) {
      ExportBase& base = IsOnnxSecond(seconds) ? onnx : saved_model;
      if (what == 'X') {
        base.newest_confirmed = seconds;
        ++totals.confirmed;
      }
      if (what == 'D') base.cleaned_this_run = true;
    }
    for (ExportBase* base : {&saved_model, &onnx}) {
      newest_name = std::max(newest_name, CheckExportBase(*base, check, totals));
      base->cleaned_this_run = false;
    }
  }
  std::cout << "crash_torture (export): " << check.kills() << " kills, " << totals.confirmed << " exports confirmed ("
            << totals.before_any_export << " kills before a child's first), " << totals.exports_checked.size()
            << " exports checked whole (" << totals.checks << " checks), " << totals.leftovers_seen.size()
            << " temp directories seen (" << totals.leftovers_removed << " removed by a later export), "
            << check.failed() << " failed checks\n";
  return check.failed() == 0 && totals.confirmed > 0 ? 0 : 1;
}

constexpr char kUsage[] =
    "usage: crash_torture [--mode manager|estimator|export] [--save sync|async] [--kills N] [--seed S] "
    "[--max-delay-ms M] [--dir DIR]\n";

}  // namespace
}  // namespace tfcompat

int main(int argc, char** argv) {
  tfcompat::Mode mode = tfcompat::Mode::kManager;
  bool async = false;
  int kills = 200;
  uint64_t seed = std::random_device{}();
  int max_delay_ms = 100;
  std::string dir;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--mode" && value == "manager") {
      mode = tfcompat::Mode::kManager;
    } else if (flag == "--mode" && value == "estimator") {
      mode = tfcompat::Mode::kEstimator;
    } else if (flag == "--mode" && value == "export") {
      mode = tfcompat::Mode::kExport;
    } else if (flag == "--save" && (value == "sync" || value == "async")) {
      async = value == "async";
    } else if (flag == "--kills") {
      kills = std::atoi(value.c_str());
    } else if (flag == "--seed") {
      seed = std::strtoull(value.c_str(), nullptr, 10);
    } else if (flag == "--max-delay-ms") {
      max_delay_ms = std::atoi(value.c_str());
    } else if (flag == "--dir") {
      dir = value;
    } else {
      std::cerr << tfcompat::kUsage;
      return 2;
    }
  }
  if (argc % 2 == 0 || kills < 1 || max_delay_ms < 0) {
    std::cerr << tfcompat::kUsage;
    return 2;
  }
  const bool own_dir = dir.empty();
  if (own_dir) {
    dir =
        (boost::filesystem::temp_directory_path() / boost::filesystem::unique_path("crash-torture-%%%%-%%%%")).string();
  }
  std::cout << "crash_torture: seed " << seed << ", " << kills << " kills, in " << dir << std::endl;
  const int result = mode == tfcompat::Mode::kExport
                         ? tfcompat::RunExports(kills, seed, max_delay_ms, dir)
                         : tfcompat::RunTraining(mode, async, kills, seed, max_delay_ms, dir);
  if (own_dir && result == 0) boost::filesystem::remove_all(dir);
  return result;
}
