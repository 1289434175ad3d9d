// SPDX-License-Identifier: Apache-2.0
// Crash torture: a child trains in a model directory and is SIGKILLed at a
// random moment; the next child resumes from the latest checkpoint. Two
// kinds of child (--mode):
//   manager    ModelDirLock, CheckpointManager saving global_step and a
//              weight tensor every step, SummaryWriter logging a scalar
//              every step;
//   estimator  Estimator::Train of a DNNClassifier on Iris, saving a
//              checkpoint every step and the loss every step.
// Each kill cycles through keep_checkpoint_max 1, 3 and 0 (keep all).
// After every kill the harness checks that
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
// It prints its counts and exits non-zero on any loss.
//
//   crash_torture [--mode manager|estimator] [--kills N] [--seed S] [--max-delay-ms M] [--dir DIR]
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tfcompat/checkpoint/bundle.h"
#include "tfcompat/checkpoint/checkpoint.h"
#include "tfcompat/checkpoint/model_dir_lock.h"
#include "tfcompat/data/csv_input.h"
#include "tfcompat/estimator/estimator.h"
#include "tfcompat/summary/event_file_reader.h"
#include "tfcompat/summary/summary_writer.h"
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
[[noreturn]] void TrainWithManager(const std::string& dir, int keep, const Reporter& report) {
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
  for (;;) {
    ++step;
    report.Say('S', step);
    if (Status s = (*writer)->AddScalar("loss", 1.0f / static_cast<float>(step), step); !s.ok()) Fail(s);
    if (step % 3 == 0) {
      if (Status s = (*writer)->Flush(); !s.ok()) Fail(s);
      report.Say('E', step);
    }
    for (int64_t i = 0; i < kWeights; ++i) weights[static_cast<size_t>(i)] = WeightAt(step, i);
    auto saved = (*manager)->Save(step, {{"global_step", Tensor::FromVector<int64_t>(DataType::kInt64, {}, {step})},
                                         {"w", Tensor::FromVector<float>(DataType::kFloat, {kWeights}, weights)}});
    if (!saved.ok()) Fail(saved.status());
    report.Say('C', step);
  }
}

// Reports what the Estimator does. Hooks run in order and the Estimator's
// own (which saves) runs last, so Begin precedes the save at the restored
// step, and AfterStep of step s follows the save of s - 1.
class ReportingHook final : public model::TrainHook {
 public:
  explicit ReportingHook(const Reporter& report) : report_(report) {}
  Status Begin(int64_t global_step) override {
    report_.Say('R', global_step);
    return OkStatus();
  }
  Status AfterStep(const model::StepResult& result, bool*) override {
    report_.Say('S', result.global_step);
    report_.Say('C', result.global_step - 1);
    return OkStatus();
  }

 private:
  const Reporter& report_;
};

// The Estimator child: trains until killed.
[[noreturn]] void TrainWithEstimator(const std::string& dir, int keep, const Reporter& report) {
  auto data = data::ReadCsvDataset(testing::RepoDataPath("iris_training.csv"), testing::IrisCsvOptions());
  if (!data.ok()) Fail(data.status());
  estimator::RunConfig config;
  config.model_dir = dir;
  config.tf_random_seed = 1;
  config.save_checkpoints_steps = 1;
  config.keep_checkpoint_max = keep;
  config.save_summary_steps = 1;
  config.log_step_count_steps = 1000;
  auto made = estimator::Estimator::DNNClassifier(testing::IrisClassifierOptions(), config, [](const std::string&) {});
  if (!made.ok()) Fail(made.status());
  ReportingHook hook(report);
  model::TrainHook* hooks[] = {&hook};
  const auto input =
      estimator::DatasetInputFn(std::make_shared<const data::Dataset>(std::move(*data)), {.batch_size = 32, .seed = 7});
  Fail((*made)->Train(input, model::TrainSteps::Steps(int64_t{1} << 40), hooks));
}

enum class Mode { kManager, kEstimator };

struct Totals {
  int kills = 0;
  int restores_ok = 0;
  int no_checkpoint_yet = 0;
  int resumes_checked = 0;
  int leftovers_seen = 0;
  int truncated_tails = 0;
  int lost = 0;  // any failed check
};

bool IsTemp(const std::string& name) {
  return name.find(".tempstate") != std::string::npos || name.find(".tmp") != std::string::npos;
}

// What a killed save can leave: temp files, and data files whose index
// never got its name.
std::set<std::string> Leftovers(const std::string& dir) {
  std::set<std::string> names, leftovers;
  for (const auto& entry : boost::filesystem::directory_iterator(dir)) names.insert(entry.path().filename().string());
  for (const std::string& name : names) {
    const size_t data = name.find(".data-");
    if (IsTemp(name) || (data != std::string::npos && names.count(name.substr(0, data) + ".index") == 0)) {
      leftovers.insert(name);
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

int Run(Mode mode, int kills, uint64_t seed, int max_delay_ms, const std::string& dir) {
  boost::filesystem::remove_all(dir);
  boost::filesystem::create_directories(dir);
  std::mt19937_64 rng(seed);
  Totals totals;
  int64_t confirmed_checkpoint = 0;
  int64_t latest_step = 0;  // of the latest checkpoint after the previous kill
  std::set<int64_t> confirmed_events;
  std::set<std::string> leftovers_before;  // seen after the previous kill
  auto check = [&totals](bool ok, const std::string& what) {
    if (!ok) {
      ++totals.lost;
      std::cerr << "kill " << totals.kills << ": " << what << "\n";
    }
    return ok;
  };
  for (int k = 0; k < kills; ++k) {
    const int keep = std::vector<int>{1, 3, 0}[static_cast<size_t>(k) % 3];
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0) return 1;
    const pid_t pid = ::fork();
    if (pid < 0) return 1;
    if (pid == 0) {
      ::close(pipe_fds[0]);
      const Reporter report(pipe_fds[1]);
      if (mode == Mode::kManager) TrainWithManager(dir, keep, report);
      TrainWithEstimator(dir, keep, report);
    }
    ::close(pipe_fds[1]);
    const int delay_us = static_cast<int>(rng() % static_cast<uint64_t>(max_delay_ms * 1000 + 1));
    std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ++totals.kills;
    check(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
          "child exited before the kill with status " + std::to_string(status));
    // What the child confirmed before it died.
    std::string reports;
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(pipe_fds[0], buffer, sizeof(buffer))) > 0) reports.append(buffer, static_cast<size_t>(n));
    ::close(pipe_fds[0]);
    int64_t restored_at = -1, first_step = -1;
    bool saved_this_run = false;
    for (size_t pos = 0; pos + 2 < reports.size();) {
      const size_t eol = reports.find('\n', pos);
      if (eol == std::string::npos) break;
      const int64_t step = std::stoll(reports.substr(pos + 2, eol - pos - 2));
      if (reports[pos] == 'R') restored_at = step;
      if (reports[pos] == 'S' && first_step < 0) first_step = step;
      if (reports[pos] == 'C') {
        confirmed_checkpoint = std::max(confirmed_checkpoint, step);
        saved_this_run = true;
      }
      if (reports[pos] == 'E') confirmed_events.insert(step);
      pos = eol + 1;
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
    const std::set<std::string> leftovers = Leftovers(dir);
    totals.leftovers_seen += static_cast<int>(leftovers.size());
    if (saved_this_run) {
      for (const std::string& t : leftovers_before) {
        check(leftovers.count(t) == 0, "leftover " + t + " survived a save");
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
  std::cout << "crash_torture (" << (mode == Mode::kManager ? "manager" : "estimator") << "): " << totals.kills
            << " kills, " << totals.restores_ok << " restores ok, " << totals.no_checkpoint_yet
            << " before any checkpoint, " << totals.resumes_checked << " resumes at the restored step + 1, "
            << totals.leftovers_seen << " leftover files seen (all removed by the next save), "
            << totals.truncated_tails << " event files with a truncated last record, " << totals.lost
            << " data lost; last confirmed step " << confirmed_checkpoint << "\n";
  return totals.lost == 0 && totals.restores_ok > 0 ? 0 : 1;
}

constexpr char kUsage[] =
    "usage: crash_torture [--mode manager|estimator] [--kills N] [--seed S] [--max-delay-ms M] [--dir DIR]\n";

}  // namespace
}  // namespace tfcompat

int main(int argc, char** argv) {
  tfcompat::Mode mode = tfcompat::Mode::kManager;
  int kills = 200;
  uint64_t seed = std::random_device{}();
  int max_delay_ms = 100;
  std::string dir;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--mode" && (value == "manager" || value == "estimator")) {
      mode = value == "manager" ? tfcompat::Mode::kManager : tfcompat::Mode::kEstimator;
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
  std::cout << "crash_torture: seed " << seed << ", " << kills << " kills, model_dir " << dir << std::endl;
  const int result = tfcompat::Run(mode, kills, seed, max_delay_ms, dir);
  if (own_dir && result == 0) boost::filesystem::remove_all(dir);
  return result;
}
