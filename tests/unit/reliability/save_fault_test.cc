// SPDX-License-Identifier: Apache-2.0
// Faults while saving checkpoints, through CheckpointManager (Save and
// SaveAsync) and through Estimator::Train (synchronous and asynchronous
// checkpoints): every file operation of a save fails in turn (ENOSPC, then EIO), and the disk fills at every byte
// count where an append starts or ends. After each fault:
//   - the save returns an error naming the file that failed;
//   - the state file parses and names the latest checkpoint that was
//     committed: the previous one, unless the fault came after the state
//     file's rename (the directory fsync or a deletion), which the error
//     then says; no temp file of the state file remains;
//   - every checkpoint with an index validates (every CRC) and restores
//     with the values saved at its step; the failed one has no index;
//   - the next save succeeds and leaves exactly the listed checkpoints.
#include <algorithm>
#include <boost/test/results_collector.hpp>
#include <boost/test/unit_test.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "checkpoint/checkpoint_internal.h"
#include "estimator/estimator_internal.h"
#include "io/file.h"
#include "tfcompat/checkpoint/bundle.h"
#include "tfcompat/checkpoint/checkpoint.h"
#include "tfcompat/data/csv_input.h"
#include "tfcompat/estimator/estimator.h"
#include "tfcompat/summary/event_file_reader.h"
#include "util/fault_env.h"
#include "util/iris.h"
#include "util/temp_dir.h"
#include "util/test_print.h"
#include "util/text.h"

namespace tfcompat {
namespace {

namespace fs = std::filesystem;
using testing::Contains;
using testing::FaultEnv;
using testing::FileOp;
using testing::FileOpName;
using testing::FileOpRecord;
using testing::ReadAll;
using testing::TempDir;

// How the saves under test are made: CheckpointManager::Save, or SaveAsync
// and Wait (SaveAsync takes fixed-width tensors only).
enum class SavePath { kSync, kAsync };

std::string_view SavePathName(SavePath path) { return path == SavePath::kSync ? "Save" : "SaveAsync"; }

// The tensors saved at `step`, all depending on it. With a 1000-byte shard
// limit they fill three data files (two for kAsync, which has no strings).
std::vector<std::pair<std::string, Tensor>> TensorsAt(int64_t step, SavePath path) {
  std::vector<float> kernel(300);
  for (size_t i = 0; i < kernel.size(); ++i) kernel[i] = static_cast<float>(step * 1000 + static_cast<int64_t>(i));
  std::vector<std::pair<std::string, Tensor>> tensors = {
      {"global_step", Tensor::FromVector<int64_t>(DataType::kInt64, {}, {step})},
      {"dense/kernel", Tensor::FromVector<float>(DataType::kFloat, {30, 10}, kernel)}};
  if (path == SavePath::kSync) {
    tensors.emplace_back("vocabulary", Tensor::FromStrings({2}, {"step", std::to_string(step)}).value());
  }
  return tensors;
}

// Saves TensorsAt(step) the `path` way, waiting for the outcome.
Status SaveStep(CheckpointManager& manager, int64_t step, SavePath path) {
  const auto tensors = TensorsAt(step, path);
  if (path == SavePath::kSync) return manager.Save(step, tensors).status();
  std::vector<CheckpointManager::TensorView> views;
  for (const auto& [name, tensor] : tensors) views.push_back({name, tensor.dtype(), tensor.shape(), tensor.bytes()});
  if (Status started = manager.SaveAsync(step, views); !started.ok()) return started;
  return manager.Wait();
}

// "all ok", or how many checks of the running test case have failed.
std::string Verdict() {
  namespace utf = boost::unit_test;
  const auto failed =
      utf::results_collector.results(utf::framework::current_test_case().p_id).p_assertions_failed.get();
  return failed == 0 ? "all ok" : std::to_string(failed) + " checks FAILED";
}

std::string PrefixAt(const std::string& dir, int64_t step) { return dir + "/model.ckpt-" + std::to_string(step); }

// Checks every CRC of `prefix` and that it restores to TensorsAt(its step);
// returns the step (-1 on a failure, which the checks report).
int64_t CheckCheckpoint(const std::string& prefix, SavePath path) {
  auto reader = BundleReader::Open(prefix);
  BOOST_TEST_REQUIRE(reader.ok(), reader.status().ToString());
  const Status verified = (*reader)->VerifyAll();
  BOOST_TEST(verified.ok(), verified.ToString());
  auto step = (*reader)->Lookup("global_step");
  BOOST_TEST_REQUIRE(step.ok(), step.status().ToString());
  const int64_t global_step = step->flat<int64_t>()[0];
  const auto expected = TensorsAt(global_step, path);
  BOOST_TEST((*reader)->entries().size() == expected.size());
  std::vector<VariableSpec> specs;
  for (const auto& [name, tensor] : expected) specs.push_back({name, tensor.dtype(), tensor.shape()});
  auto values = RestoreVariables(prefix, specs);
  BOOST_TEST_REQUIRE(values.ok(), values.status().ToString());
  for (size_t i = 0; i < specs.size(); ++i) {
    BOOST_TEST(((*values)[i] == expected[i].second), prefix << ": " << specs[i].name << " differs");
  }
  return verified.ok() ? global_step : -1;
}

std::vector<std::string> Names(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  return names;
}

// After a failed save: no temp file of the state file, and every index
// belongs to a checkpoint that passes `check`. Returns the prefixes of the
// indexes that the state file does not list.
std::set<std::string> CheckAfterFailure(const std::string& dir, const CheckpointState& state,
                                        const std::function<void(const std::string&)>& check) {
  std::set<std::string> unlisted;
  for (const std::string& name : Names(dir)) {
    BOOST_TEST(!IsAtomicWriteTemp(name, "checkpoint"), dir << ": half-written state file " << name << " remains");
    if (!name.ends_with(".index")) continue;
    const std::string prefix = dir + "/" + name.substr(0, name.size() - 6);
    check(prefix);
    const auto& listed = state.all_model_checkpoint_paths;
    if (std::find(listed.begin(), listed.end(), prefix) == listed.end()) unlisted.insert(prefix);
  }
  return unlisted;
}

// After a good save: `dir` holds the state file and the files of the
// listed checkpoints, nothing else; each validates.
void CheckClean(const std::string& dir, const std::vector<std::string>& expected_listed, SavePath path) {
  auto state = ReadCheckpointState(dir);
  BOOST_TEST_REQUIRE(state.ok(), state.status().ToString());
  BOOST_TEST(state->all_model_checkpoint_paths == expected_listed, boost::test_tools::per_element());
  std::set<std::string> expected_files = {"checkpoint"};
  for (const std::string& prefix : state->all_model_checkpoint_paths) {
    CheckCheckpoint(prefix, path);
    auto files = CheckpointFiles(prefix);
    BOOST_TEST_REQUIRE(files.ok());
    for (const std::string& file : *files) {
      expected_files.insert(fs::path(file).filename().string());
    }
  }
  const std::vector<std::string> names = Names(dir);
  BOOST_TEST(std::set<std::string>(names.begin(), names.end()) == expected_files, boost::test_tools::per_element());
}

// `listed` after saving `step` with keep_checkpoint_max `keep`.
std::vector<std::string> AfterSave(std::vector<std::string> listed, const std::string& prefix, int keep) {
  std::erase(listed, prefix);
  listed.push_back(prefix);
  while (keep > 0 && listed.size() > static_cast<size_t>(keep)) listed.erase(listed.begin());
  return listed;
}

// A model directory holding checkpoints 1..`previous`, copied afresh for
// each fault; saves of step previous + 1 (made the `path` way) are then
// made to fail.
class SaveFaults {
 public:
  SaveFaults(int keep, uint64_t max_shard_bytes, int previous, SavePath path) : previous_(previous), path_(path) {
    options_.keep_checkpoint_max = keep;
    options_.keep_checkpoint_every_n_hours = 0;
    options_.writer.max_shard_bytes = max_shard_bytes;
    auto manager = CheckpointManager::Create(base(), options_);
    BOOST_TEST_REQUIRE(manager.ok());
    for (int64_t step = 1; step <= previous; ++step) {
      BOOST_TEST_REQUIRE(SaveStep(**manager, step, path).ok());
      base_listed_ = AfterSave(base_listed_, PrefixAt(dir(), step), keep);
    }
    base_state_file_ = ReadAll(base() + "/checkpoint");
    // One good save: the operations and bytes to fail.
    good_ = Run([](FaultEnv&) {}).log;
    for (size_t i = 0; i < good_.size(); ++i) {
      if (good_[i].op == FileOp::kRenameFile && fs::path(good_[i].path).filename() == "checkpoint") commit_ = i + 1;
    }
    BOOST_TEST_REQUIRE(commit_ > 0);
  }

  int64_t ops() const { return static_cast<int64_t>(good_.size()); }
  const std::vector<FileOpRecord>& good() const { return good_; }

  struct Outcome {
    Status status;
    std::vector<FileOpRecord> log;
    std::optional<FileOpRecord> failure;
  };

  // Copies the base directory to dir(), arms the fault with `arm` and saves
  // step previous + 1 through a fresh manager.
  Outcome Run(const std::function<void(FaultEnv&)>& arm) {
    fs::remove_all(dir());
    fs::copy(base(), dir());
    manager_ = CheckpointAccess::NewManager(&env_, dir(), options_).value();
    // The state file holds the save's time as text: a fixed clock gives
    // every run the good run's bytes, so that each byte count is one fault.
    env_.FreezeClock(1764115200.25);
    env_.ClearLog();
    arm(env_);
    Outcome outcome;
    outcome.status = SaveStep(*manager_, previous_ + 1, path_);
    env_.ClearFaults();
    outcome.log = env_.log();
    outcome.failure = env_.last_failure();
    return outcome;
  }

  // The checks after a failed save (see the top of the file), then the
  // next save through the same manager. Returns whether the failed save
  // had committed (the state file names it).
  bool Check(const Outcome& outcome, const std::string& what) {
    BOOST_TEST_CONTEXT(what) {
      BOOST_TEST_REQUIRE(outcome.failure.has_value());
      const FileOpRecord& failure = *outcome.failure;
      BOOST_TEST_REQUIRE(!outcome.status.ok());
      BOOST_TEST(Contains(outcome.status.message(), failure.path), outcome.status.ToString());
      // Where the fault struck: after the state file's rename, the save
      // has committed.
      const auto failed = std::find_if(outcome.log.begin(), outcome.log.end(), [](const auto& r) { return r.failed; });
      const bool committed = static_cast<size_t>(failed - outcome.log.begin()) + 1 > commit_;
      BOOST_TEST((Contains(outcome.status.message(), "is saved and named the latest")) == committed,
                 outcome.status.ToString());
      const std::string saved = PrefixAt(dir(), previous_ + 1);
      auto state = ReadCheckpointState(dir());
      BOOST_TEST_REQUIRE(state.ok(), state.status().ToString());
      const std::string expected_latest = committed ? saved : PrefixAt(dir(), previous_);
      BOOST_TEST(state->model_checkpoint_path == expected_latest);
      BOOST_TEST(CheckCheckpoint(LatestCheckpoint(dir()).value(), path_) == (committed ? previous_ + 1 : previous_));
      if (!committed) {
        BOOST_TEST(ReadAll(dir() + "/checkpoint") == base_state_file_);
        BOOST_TEST(!fs::exists(saved + ".index"));
      }
      // Checkpoints dropped by a committed save stay until a save succeeds.
      const std::set<std::string> unlisted =
          CheckAfterFailure(dir(), *state, [this](const std::string& prefix) { CheckCheckpoint(prefix, path_); });
      BOOST_TEST((committed || unlisted.empty()), unlisted.size() << " unlisted checkpoints");

      // The disk is fine again: the next save succeeds and cleans up.
      const int keep = options_.keep_checkpoint_max;
      std::vector<std::string> listed = base_listed_;
      if (committed) listed = AfterSave(listed, saved, keep);
      listed = AfterSave(listed, PrefixAt(dir(), previous_ + 2), keep);
      const Status next = SaveStep(*manager_, previous_ + 2, path_);
      BOOST_TEST_REQUIRE(next.ok(), next.ToString());
      CheckClean(dir(), listed, path_);
      return committed;
    }
    return false;
  }

 private:
  std::string base() const { return root_.file("base"); }
  // Paths in the copied state file are relative, so the copy is a model
  // directory of its own; PrefixAt(dir(), step) names its checkpoints.
  std::string dir() const { return root_.file("model"); }

  TempDir root_;
  FaultEnv env_;
  CheckpointManager::Options options_;
  int previous_;
  SavePath path_;
  std::vector<std::string> base_listed_;
  std::string base_state_file_;
  std::vector<FileOpRecord> good_;
  size_t commit_ = 0;  // 1-based position of the state file's rename
  std::unique_ptr<CheckpointManager> manager_;
};

struct SweepConfig {
  int keep;
  uint64_t max_shard_bytes;
  SavePath path;
};

BOOST_AUTO_TEST_SUITE(SaveFaultTest)

BOOST_AUTO_TEST_CASE(EveryFileOperationOfASaveFailsInTurn) {
  for (const SweepConfig config : {SweepConfig{2, 1000, SavePath::kSync}, SweepConfig{0, 0, SavePath::kSync},
                                   SweepConfig{2, 1000, SavePath::kAsync}, SweepConfig{0, 0, SavePath::kAsync}}) {
    SaveFaults faults(config.keep, config.max_shard_bytes, 3, config.path);
    int tried = 0, committed = 0;
    std::set<std::string> kinds;
    for (const int error : {ENOSPC, EIO}) {
      for (int64_t k = 1; k <= faults.ops(); ++k) {
        const auto outcome = faults.Run([&](FaultEnv& env) { env.FailNth(k, error); });
        const FileOpRecord& op = faults.good()[static_cast<size_t>(k - 1)];
        kinds.insert(std::string(FileOpName(op.op)));
        committed += faults.Check(outcome, "keep " + std::to_string(config.keep) + ", " + std::strerror(error) +
                                               " at operation " + std::to_string(k) + " (" +
                                               std::string(FileOpName(op.op)) + " " + op.path + ")")
                         ? 1
                         : 0;
        ++tried;
      }
    }
    std::string kind_list;
    for (const std::string& kind : kinds) kind_list += (kind_list.empty() ? "" : ", ") + kind;
    std::cout << "save faults (" << SavePathName(config.path) << ", keep " << config.keep << ", "
              << (config.max_shard_bytes ? "3 shards" : "1 shard") << "): " << faults.ops() << " operations per save ("
              << kind_list << "), " << tried << " failure points tried (ENOSPC and EIO), " << Verdict() << "; "
              << committed << " after the state file's rename reported as saved\n";
  }
}

// The disk fills after every byte count of a save: the short write lands
// on disk and the save fails before its state file names it.
BOOST_AUTO_TEST_CASE(DiskFullAfterEveryByteCount) {
  for (const SavePath path : {SavePath::kSync, SavePath::kAsync}) {
    SaveFaults faults(2, 1000, 3, path);
    uint64_t total = 0;
    for (const FileOpRecord& op : faults.good()) total += op.bytes;
    BOOST_TEST_REQUIRE(total > 1000u);
    for (uint64_t space = 0; space < total; ++space) {
      const auto outcome = faults.Run([&](FaultEnv& env) { env.SetSpaceLeft(space); });
      BOOST_TEST(outcome.status.code() == StatusCode::kResourceExhausted, outcome.status.ToString());
      BOOST_TEST(!faults.Check(
          outcome, std::string(SavePathName(path)) + ", disk full after " + std::to_string(space) + " bytes"));
    }
    std::cout << "save faults (" << SavePathName(path) << "): disk full after each of the " << total
              << " byte counts of a save, " << Verdict() << " (the previous checkpoint stays the latest)\n";
  }
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
// Estimator::Train: the same faults over every file operation of a Train
// that saves four checkpoints and writes events every step.

std::unique_ptr<estimator::Estimator> MakeIrisEstimator(const std::string& model_dir, Env* env, bool async_checkpoint) {
  estimator::RunConfig config;
  config.async_checkpoint = async_checkpoint;
  config.model_dir = model_dir;
  config.tf_random_seed = 1;
  config.save_checkpoints_steps = 1;
  config.keep_checkpoint_max = 3;
  config.save_summary_steps = 1;
  config.log_step_count_steps = 1;
  auto made = estimator::Estimator::DNNClassifier(testing::IrisClassifierOptions(), config, [](const std::string&) {});
  BOOST_TEST_REQUIRE(made.ok(), made.status().ToString());
  estimator::EstimatorAccess::SetEnv(**made, env);
  return std::move(*made);
}

estimator::InputFn IrisInput() {
  return estimator::DatasetInputFn(testing::ReadIris("iris_training.csv"), {.batch_size = 32, .seed = 7});
}

int64_t GlobalStep(const std::string& prefix) {
  auto values = RestoreVariables(prefix, {{"global_step", DataType::kInt64, TensorShape{}}});
  BOOST_TEST_REQUIRE(values.ok(), values.status().ToString());
  return (*values)[0].flat<int64_t>()[0];
}

// Checks every CRC of `prefix` and that every variable equals the one in
// `reference` (the checkpoint of a run without faults at the same step).
void CheckSameCheckpoint(const std::string& prefix, const std::string& reference) {
  auto reader = BundleReader::Open(prefix);
  auto expected = BundleReader::Open(reference);
  BOOST_TEST_REQUIRE(reader.ok(), reader.status().ToString());
  BOOST_TEST_REQUIRE(expected.ok());
  const Status verified = (*reader)->VerifyAll();
  BOOST_TEST(verified.ok(), verified.ToString());
  BOOST_TEST_REQUIRE((*reader)->entries().size() == (*expected)->entries().size());
  for (const BundleEntry& entry : (*expected)->entries()) {
    auto a = (*reader)->Lookup(entry.name);
    auto b = (*expected)->Lookup(entry.name);
    BOOST_TEST_REQUIRE(a.ok(), a.status().ToString());
    BOOST_TEST((*a == *b), prefix << ": " << entry.name << " differs from " << reference);
  }
}

// Every event file of `dir` reads to its end (a truncated last record is
// allowed: the fault may have cut one); returns how many were cut.
int CheckEventFiles(const std::string& dir) {
  int truncated = 0;
  for (const std::string& name : Names(dir)) {
    if (!name.starts_with("events.out.tfevents.")) continue;
    auto reader = EventFileReader::Open(dir + "/" + name);
    BOOST_TEST_REQUIRE(reader.ok(), reader.status().ToString());
    EventView event;
    Status s;
    while ((s = (*reader)->ReadEvent(&event)).ok()) {
    }
    BOOST_TEST(s.code() == StatusCode::kOutOfRange, s.ToString());
    truncated += (*reader)->truncated_tail() ? 1 : 0;
  }
  return truncated;
}

// The sweep over every file operation of a Train, with checkpoints saved
// the RunConfig::async_checkpoint way given.
void SweepTrainFaults(bool async_checkpoint) {
  TempDir root;
  const std::string base = root.file("base"), reference = root.file("reference"), dir = root.file("model");
  // The base: checkpoints 0, 1, 2. The reference run continues it by 3
  // steps, saving 2 (again), 3, 4 and 5.
  BOOST_TEST_REQUIRE(
      MakeIrisEstimator(base, Env::Default(), async_checkpoint)->Train(IrisInput(), model::TrainSteps::Steps(2)).ok());
  fs::copy(base, reference);
  BOOST_TEST_REQUIRE(MakeIrisEstimator(reference, Env::Default(), async_checkpoint)
                         ->Train(IrisInput(), model::TrainSteps::Steps(3))
                         .ok());
  std::map<int64_t, std::string> reference_at = {
      {0, PrefixAt(base, 0)}, {1, PrefixAt(base, 1)}, {2, PrefixAt(base, 2)}};
  for (int64_t step = 3; step <= 5; ++step) reference_at[step] = PrefixAt(reference, step);

  FaultEnv env;
  auto train = [&](int64_t steps) {
    return MakeIrisEstimator(dir, &env, async_checkpoint)->Train(IrisInput(), model::TrainSteps::Steps(steps));
  };
  fs::copy(base, dir);
  BOOST_TEST_REQUIRE(train(3).ok());
  const int64_t ops = env.ops();
  int tried = 0, not_reached = 0, truncated_event_files = 0, unlisted_kept = 0;
  std::map<int64_t, int> latest_after_fault;  // step -> times
  // Each operation fails once, with ENOSPC and EIO taking turns (both for
  // every operation doubles the run time for little: the code paths are
  // the same).
  for (int64_t k = 1; k <= ops; ++k) {
    const int error = k % 2 == 1 ? ENOSPC : EIO;
    BOOST_TEST_CONTEXT(std::strerror(error) << " at operation " << k) {
      fs::remove_all(dir);
      fs::copy(base, dir);
      env.ClearLog();
      env.FailNth(k, error);
      const Status status = train(3);
      env.ClearFaults();
      const std::vector<FileOpRecord> log = env.log();
      const auto failed = std::find_if(log.begin(), log.end(), [](const FileOpRecord& r) { return r.failed; });
      if (failed == log.end()) {  // the event writer's thread batched differently this time
        BOOST_TEST(status.ok(), status.ToString());
        ++not_reached;
        continue;
      }
      ++tried;
      BOOST_TEST(!status.ok());
      BOOST_TEST(Contains(status.message(), failed->path), status.ToString());
      // The state file names the checkpoint of the last save whose state
      // file rename happened: saves go 2 (again), 3, 4, 5 and stop at the
      // first failed one, but an event file's error (written by another
      // thread) may surface a save or two later.
      int64_t expected = 1;
      for (const FileOpRecord& r : log) {
        if (r.op == FileOp::kRenameFile && !r.failed && fs::path(r.path).filename() == "checkpoint") ++expected;
      }
      expected = std::max<int64_t>(2, expected);
      auto state = ReadCheckpointState(dir);
      BOOST_TEST_REQUIRE(state.ok(), state.status().ToString());
      const std::string latest = LatestCheckpoint(dir).value();
      BOOST_TEST(GlobalStep(latest) == expected);
      ++latest_after_fault[expected];
      const std::set<std::string> unlisted = CheckAfterFailure(dir, *state, [&](const std::string& prefix) {
        CheckSameCheckpoint(prefix, reference_at.at(GlobalStep(prefix)));
      });
      truncated_event_files += CheckEventFiles(dir);

      // Without the fault, a new Train resumes at the restored step and
      // leaves the listed checkpoints, and complete ones only.
      const Status again = train(1);
      BOOST_TEST_REQUIRE(again.ok(), again.ToString());
      BOOST_TEST(GlobalStep(LatestCheckpoint(dir).value()) == expected + 1);
      auto after = ReadCheckpointState(dir);
      BOOST_TEST_REQUIRE(after.ok());
      for (const std::string& name : Names(dir)) {
        const bool known = name == "checkpoint" || name == "graph.pbtxt" || name.starts_with("events.out.tfevents.") ||
                           name.starts_with("model.ckpt-");
        BOOST_TEST(known, name);
        BOOST_TEST(name.find(".tempstate") == std::string::npos, name);
        BOOST_TEST(name.find(".tmp") == std::string::npos, name);
      }
      // (The new Train's input starts afresh, so its checkpoint differs
      // from the reference run's at the same step.)
      const std::set<std::string> still_unlisted = CheckAfterFailure(dir, *after, [&](const std::string& prefix) {
        const int64_t step = GlobalStep(prefix);
        CheckSameCheckpoint(prefix, step <= expected ? reference_at.at(step) : prefix);
      });
      // A checkpoint dropped by a save whose directory fsync (or deletion)
      // then failed is complete, unlisted, and no longer known to anyone.
      for (const std::string& prefix : still_unlisted) BOOST_TEST(unlisted.count(prefix) == 1, prefix);
      unlisted_kept += static_cast<int>(still_unlisted.size());
      CheckEventFiles(dir);
    }
  }
  std::string latest_counts;
  for (const auto& [step, times] : latest_after_fault) {
    latest_counts += (latest_counts.empty() ? "" : ", ") + std::to_string(times) + "x step " + std::to_string(step);
  }
  std::cout << "estimator save faults (" << (async_checkpoint ? "async_checkpoint" : "synchronous") << "): " << ops
            << " file operations per Train of 3 steps (4 checkpoints), " << tried
            << " failure points tried (ENOSPC and EIO in turn), " << Verdict()
            << "; latest checkpoint after the fault: " << latest_counts << "; " << not_reached
            << " not reached (event thread timing), " << truncated_event_files << " event files cut inside a record, "
            << unlisted_kept << " complete dropped checkpoints left unlisted after a failed fsync or delete\n";
}

BOOST_AUTO_TEST_SUITE(EstimatorSaveFaultTest)

BOOST_AUTO_TEST_CASE(EveryFileOperationOfTrainFailsInTurn) { SweepTrainFaults(false); }

// The same with async_checkpoint: a failed save's error surfaces at the
// next save or when Train ends, and the state file never names more.
BOOST_AUTO_TEST_CASE(EveryFileOperationOfAsyncCheckpointTrainFailsInTurn) { SweepTrainFaults(true); }

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
