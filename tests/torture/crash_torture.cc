// Crash torture: a child "trains" in a model directory (ModelDirLock,
// CheckpointManager saving global_step and a weight tensor every step,
// SummaryWriter logging a scalar every step) and is SIGKILLed at a random
// moment; the next child resumes from the latest checkpoint. After every
// kill the harness checks that
//   - the state file parses and names a checkpoint that verifies and
//     restores, with weights matching its global_step;
//   - no checkpoint confirmed saved before the kill was lost, and no temp
//     file is listed as a checkpoint; temp files seen after a kill are gone
//     once a later child has saved;
//   - every event file reads to its end (a truncated last record allowed,
//     never DataLoss), and every step confirmed flushed is in one of them;
//   - a resumed child starts at the restored global_step + 1.
// It prints its counts and exits non-zero on any loss.
//
//   crash_torture [--kills N] [--seed S] [--max-delay-ms M] [--dir DIR]
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
#include "tfcompat/summary/event_file_reader.h"
#include "tfcompat/summary/summary_writer.h"

namespace tfcompat {
namespace {

constexpr int64_t kWeights = 16 * 1024;  // 64 KiB of floats per checkpoint

float WeightAt(int64_t step, int64_t i) { return static_cast<float>(step) + static_cast<float>(i % 7); }

// The child: trains until killed, reporting on `report` (one line each):
//   "R <step>"  restored (0: fresh start)
//   "C <step>"  Save(step) returned OK
//   "E <step>"  the step's events were flushed
[[noreturn]] void Train(const std::string& dir, int keep, int report) {
  auto say = [report](char what, int64_t step) {
    const std::string line = std::string(1, what) + " " + std::to_string(step) + "\n";
    if (::write(report, line.data(), line.size()) != static_cast<ssize_t>(line.size())) ::_exit(3);
  };
  auto fail = [](const Status& s) {
    std::cerr << "child: " << s.ToString() << "\n";
    ::_exit(2);
  };
  auto lock = ModelDirLock::Acquire(dir);
  if (!lock.ok()) fail(lock.status());
  CheckpointManager::Options options;
  options.keep_checkpoint_max = keep;
  options.writer.sync = false;  // SIGKILL keeps the page cache; see README
  auto manager = CheckpointManager::Create(dir, options);
  if (!manager.ok()) fail(manager.status());
  int64_t step = 0;
  if (auto latest = LatestCheckpoint(dir); latest.ok()) {
    auto values = RestoreVariables(*latest, {{"global_step", DataType::kInt64, TensorShape{}}});
    if (!values.ok()) fail(values.status());
    step = (*values)[0].flat<int64_t>()[0];
  }
  say('R', step);
  auto writer = SummaryWriter::Create(dir, {.max_queue = 10, .flush_secs = 120.0, .filename_suffix = {}});
  if (!writer.ok()) fail(writer.status());
  std::vector<float> weights(kWeights);
  for (;;) {
    ++step;
    if (Status s = (*writer)->AddScalar("loss", step, 1.0f / static_cast<float>(step)); !s.ok()) fail(s);
    if (step % 3 == 0) {
      if (Status s = (*writer)->Flush(); !s.ok()) fail(s);
      say('E', step);
    }
    for (int64_t i = 0; i < kWeights; ++i) weights[static_cast<size_t>(i)] = WeightAt(step, i);
    auto saved = (*manager)->Save(step, {{"global_step", Tensor::FromVector<int64_t>(DataType::kInt64, {}, {step})},
                                         {"w", Tensor::FromVector<float>(DataType::kFloat, {kWeights}, weights)}});
    if (!saved.ok()) fail(saved.status());
    say('C', step);
  }
}

struct Totals {
  int kills = 0;
  int restores_ok = 0;
  int no_checkpoint_yet = 0;
  int stale_temps_seen = 0;
  int truncated_tails = 0;
  int lost = 0;  // any failed check
};

bool IsTemp(const std::string& name) {
  return name.find(".tempstate") != std::string::npos || name.find(".tmp") != std::string::npos;
}

std::set<std::string> TempFiles(const std::string& dir) {
  std::set<std::string> temps;
  for (const auto& entry : boost::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (IsTemp(name)) temps.insert(name);
  }
  return temps;
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

int Run(int kills, uint64_t seed, int max_delay_ms, const std::string& dir) {
  boost::filesystem::remove_all(dir);
  boost::filesystem::create_directories(dir);
  std::mt19937_64 rng(seed);
  Totals totals;
  int64_t confirmed_checkpoint = 0;
  std::set<int64_t> confirmed_events;
  std::set<std::string> temps_before;  // seen after the previous kill
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
      Train(dir, keep, pipe_fds[1]);
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
      if (reports[pos] == 'C') {
        confirmed_checkpoint = std::max(confirmed_checkpoint, step);
        saved_this_run = true;
      }
      if (reports[pos] == 'E') confirmed_events.insert(step);
      if (reports[pos] != 'R' && first_step < 0) first_step = step;
      pos = eol + 1;
    }
    if (restored_at >= 0 && first_step >= 0) {
      check(first_step > restored_at && first_step <= restored_at + 3,
            "resumed at step " + std::to_string(first_step) + " after restoring " + std::to_string(restored_at));
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
        auto reader = BundleReader::Open(*latest);
        Status verified = reader.ok() ? (*reader)->VerifyAll() : reader.status();
        auto values = RestoreVariables(*latest, {{"global_step", DataType::kInt64, TensorShape{}},
                                                 {"w", DataType::kFloat, TensorShape{kWeights}}});
        if (check(verified.ok() && values.ok(), *latest + ": " + verified.ToString() + " " + values.status().ToString())) {
          const int64_t step = (*values)[0].flat<int64_t>()[0];
          bool weights_match = true;
          const auto w = (*values)[1].flat<float>();
          for (int64_t i = 0; i < kWeights; ++i) weights_match = weights_match && w[static_cast<size_t>(i)] == WeightAt(step, i);
          if (check(weights_match && step >= confirmed_checkpoint,
                    "restored step " + std::to_string(step) + " (confirmed " + std::to_string(confirmed_checkpoint) +
                        ")" + (weights_match ? "" : " with wrong weights"))) {
            ++totals.restores_ok;
          }
        }
      }
    }

    // Temp files: those left by the previous kill are gone once a child saved.
    const std::set<std::string> temps = TempFiles(dir);
    totals.stale_temps_seen += static_cast<int>(temps.size());
    if (saved_this_run) {
      for (const std::string& t : temps_before) check(temps.count(t) == 0, "stale temp file " + t + " survived a save");
    }
    temps_before = saved_this_run ? temps : [&] {
      std::set<std::string> both = temps_before;
      both.insert(temps.begin(), temps.end());
      return both;
    }();

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
  std::cout << "crash_torture: " << totals.kills << " kills, " << totals.restores_ok << " restores ok, "
            << totals.no_checkpoint_yet << " before any checkpoint, " << totals.stale_temps_seen
            << " stale temp files seen (all cleaned by the next save), " << totals.truncated_tails
            << " event files with a truncated last record, " << totals.lost << " data lost; last confirmed step "
            << confirmed_checkpoint << "\n";
  return totals.lost == 0 && totals.restores_ok > 0 ? 0 : 1;
}

}  // namespace
}  // namespace tfcompat

int main(int argc, char** argv) {
  int kills = 200;
  uint64_t seed = std::random_device{}();
  int max_delay_ms = 100;
  std::string dir;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--kills") {
      kills = std::atoi(argv[i + 1]);
    } else if (flag == "--seed") {
      seed = std::strtoull(argv[i + 1], nullptr, 10);
    } else if (flag == "--max-delay-ms") {
      max_delay_ms = std::atoi(argv[i + 1]);
    } else if (flag == "--dir") {
      dir = argv[i + 1];
    } else {
      std::cerr << "usage: crash_torture [--kills N] [--seed S] [--max-delay-ms M] [--dir DIR]\n";
      return 2;
    }
  }
  if (argc % 2 == 0 || kills < 1 || max_delay_ms < 0) {
    std::cerr << "usage: crash_torture [--kills N] [--seed S] [--max-delay-ms M] [--dir DIR]\n";
    return 2;
  }
  const bool own_dir = dir.empty();
  if (own_dir) {
    dir = (boost::filesystem::temp_directory_path() / boost::filesystem::unique_path("crash-torture-%%%%-%%%%"))
              .string();
  }
  std::cout << "crash_torture: seed " << seed << ", " << kills << " kills, model_dir " << dir << std::endl;
  const int result = tfcompat::Run(kills, seed, max_delay_ms, dir);
  if (own_dir && result == 0) boost::filesystem::remove_all(dir);
  return result;
}
