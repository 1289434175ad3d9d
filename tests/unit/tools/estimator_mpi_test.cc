// SPDX-License-Identifier: Apache-2.0
// `mpirun -np N estimator train`: data-parallel training from the command
// line, its files, and how the job ends when a rank dies, hangs, or was
// launched with another model or data.
#include <signal.h>

#include <algorithm>
#include <boost/filesystem.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cmath>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tfcompat/checkpoint/bundle.h"
#include "tfcompat/checkpoint/checkpoint.h"
#include "util/child_process.h"
#include "util/iris.h"
#include "util/scaled_difference.h"
#include "util/temp_dir.h"
#include "util/text.h"

namespace tfcompat {
namespace {

using testing::BackgroundProgram;
using testing::ChildExit;
using testing::Contains;
using testing::ReadAll;
using testing::RepoDataPath;
using testing::RunProgram;
using testing::TempDir;

using Args = std::vector<std::string>;

Args Mpirun(int ranks) {
  return {TFCOMPAT_MPIEXEC, "-np", std::to_string(ranks), "--oversubscribe", "--allow-run-as-root"};
}

Args Concat(Args a, const Args& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// `estimator train` of the Iris DNN with a fixed seed.
Args IrisTrain(const std::string& model_dir, int batch_size, const std::string& steps_flag, int64_t steps) {
  return {TFCOMPAT_ESTIMATOR_BIN,
          "train",
          "--model_dir",
          model_dir,
          "--hidden_units",
          "10,10",
          "--seed",
          "1",
          "--batch_size",
          std::to_string(batch_size),
          steps_flag,
          std::to_string(steps),
          "--train_csv",
          RepoDataPath("iris_training.csv"),
          "--quiet"};
}

// `estimator train` of wide & deep on the penguins (categorical columns:
// sparse gradients).
Args PenguinsTrain(const std::string& model_dir, int batch_size, int64_t steps) {
  return {TFCOMPAT_ESTIMATOR_BIN,
          "train",
          "--model_dir",
          model_dir,
          "--estimator",
          "DNNLinearCombinedClassifier",
          "--feature_columns",
          RepoDataPath("penguins/wide_deep.json"),
          "--train_files",
          RepoDataPath("penguins/penguins.csv"),
          "--label_column",
          "species",
          "--label_vocabulary",
          "Adelie,Chinstrap,Gentoo",
          "--seed",
          "1",
          "--batch_size",
          std::to_string(batch_size),
          "--steps",
          std::to_string(steps),
          "--quiet"};
}

ChildExit Run(const Args& args) {
  const ChildExit run = RunProgram(args);
  BOOST_TEST_REQUIRE(run.exited(), run.Describe());
  return run;
}

// Every tensor of the latest checkpoint of each directory within 1e-5
// relative (ScaledDifference; integers equal).
void CheckSameVariables(const std::string& got_dir, const std::string& expected_dir) {
  auto got = BundleReader::Open(LatestCheckpoint(got_dir).value()).value();
  auto expected = BundleReader::Open(LatestCheckpoint(expected_dir).value()).value();
  std::vector<std::string> got_names, expected_names;
  for (const BundleEntry& entry : got->entries()) got_names.push_back(entry.name);
  for (const BundleEntry& entry : expected->entries()) expected_names.push_back(entry.name);
  BOOST_TEST_REQUIRE(got_names == expected_names, boost::test_tools::per_element());
  for (const std::string& name : got_names) {
    const Tensor a = got->Lookup(name).value(), b = expected->Lookup(name).value();
    BOOST_TEST_REQUIRE((a.dtype() == b.dtype()));
    if (a.dtype() == DataType::kInt64) {
      BOOST_TEST(a.flat<int64_t>()[0] == b.flat<int64_t>()[0], name);
      continue;
    }
    const double difference = testing::ScaledDifference(a.flat<float>(), b.flat<float>());
    BOOST_TEST(difference <= 1e-5, name << ": scaled difference " << difference);
  }
}

std::set<std::string> FileNames(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& entry : boost::filesystem::directory_iterator(dir)) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

BOOST_AUTO_TEST_CASE(TwoAndFourRanksTrainTheDnnAsOneProcessWithTheGlobalBatch) {
  TempDir dir;
  Run(IrisTrain(dir.file("one_2"), 16, "--steps", 60));
  Run(IrisTrain(dir.file("one_4"), 32, "--steps", 60));
  for (int ranks : {2, 4}) {
    const std::string model_dir = dir.file("ranks_" + std::to_string(ranks));
    const ChildExit run = Run(Concat(Mpirun(ranks), IrisTrain(model_dir, 8, "--steps", 60)));
    BOOST_TEST(run.ExitedWith(0), run.Describe());
    CheckSameVariables(model_dir, dir.file("one_" + std::to_string(ranks)));
    BOOST_TEST(LatestCheckpoint(model_dir).value() == model_dir + "/model.ckpt-60");
  }
}

BOOST_AUTO_TEST_CASE(TwoAndFourRanksTrainWideAndDeepAsOneProcessWithTheGlobalBatch) {
  TempDir dir;
  Run(PenguinsTrain(dir.file("one_2"), 20, 40));
  Run(PenguinsTrain(dir.file("one_4"), 40, 40));
  for (int ranks : {2, 4}) {
    const std::string model_dir = dir.file("ranks_" + std::to_string(ranks));
    const ChildExit run = Run(Concat(Mpirun(ranks), PenguinsTrain(model_dir, 10, 40)));
    BOOST_TEST(run.ExitedWith(0), run.Describe());
    CheckSameVariables(model_dir, dir.file("one_" + std::to_string(ranks)));
  }
}

BOOST_AUTO_TEST_CASE(TwoRunsGiveByteIdenticalCheckpoints) {
  TempDir dir;
  for (const char* run_dir : {"a", "b"}) {
    const ChildExit run = Run(Concat(Mpirun(2), PenguinsTrain(dir.file(run_dir), 10, 30)));
    BOOST_TEST(run.ExitedWith(0), run.Describe());
  }
  for (const char* file : {"model.ckpt-30.index", "model.ckpt-30.data-00000-of-00001"}) {
    BOOST_TEST((ReadAll(dir.file("a") + "/" + file) == ReadAll(dir.file("b") + "/" + file)), file);
  }
}

BOOST_AUTO_TEST_CASE(OnlyRank0WritesModelDirAndTheLog) {
  TempDir dir;
  const std::string one = dir.file("one"), two = dir.file("two");
  Run(IrisTrain(one, 16, "--steps", 20));
  Args train = IrisTrain(two, 8, "--steps", 20);
  train.pop_back();  // --quiet
  const ChildExit run = Run(Concat(Mpirun(2), train));
  BOOST_TEST(run.ExitedWith(0), run.Describe());
  // The same files as one process's, and one event file.
  const std::regex events("events\\.out\\.tfevents\\..*");
  std::set<std::string> files_one, files_two;
  int events_two = 0;
  for (const std::string& name : FileNames(one)) {
    if (!std::regex_match(name, events)) files_one.insert(name);
  }
  for (const std::string& name : FileNames(two)) {
    if (std::regex_match(name, events)) {
      ++events_two;
    } else {
      files_two.insert(name);
    }
  }
  BOOST_TEST(files_two == files_one, boost::test_tools::per_element());
  BOOST_TEST(events_two == 1);
  // Each rank's first line says which it is; the Estimator's lines come
  // from rank 0 alone (one "Loss for final step").
  BOOST_TEST(Contains(run.err, "MPI rank 0 of 2 (pid "), run.err);
  BOOST_TEST(Contains(run.err, "MPI rank 1 of 2 (pid "), run.err);
  BOOST_TEST(Contains(run.err, "): global batch 16 (8 per rank)"), run.err);
  const std::regex final_loss("Loss for final step");
  BOOST_TEST(std::distance(std::sregex_iterator(run.err.begin(), run.err.end(), final_loss), std::sregex_iterator()) ==
             1);
  BOOST_TEST(Contains(run.out, "Trained model in " + two), run.out);
  // --quiet leaves stderr to errors, the ranks' lines included.
  const ChildExit quiet = Run(Concat(Mpirun(2), IrisTrain(dir.file("quiet"), 8, "--steps", 5)));
  BOOST_TEST(quiet.ExitedWith(0), quiet.Describe());
  BOOST_TEST(quiet.err.empty(), quiet.err);
}

BOOST_AUTO_TEST_CASE(RanksLaunchedWithAnotherModelFailBeforeTraining) {
  TempDir dir;
  const std::string model_dir = dir.file("m");
  Args rank0 = IrisTrain(model_dir, 8, "--steps", 20), rank1 = rank0;
  rank1[5] = "10,12";  // --hidden_units
  const ChildExit run = Run(Concat(Concat(Concat(Mpirun(1), rank0), {":", "-np", "1"}), rank1));
  BOOST_TEST(!run.ExitedWith(0), run.Describe());
  BOOST_TEST(Contains(run.err,
                      "estimator: INVALID_ARGUMENT: rank 1 of 2 was launched with another model (variables) "
                      "than rank 0"),
             run.err);
  BOOST_TEST(!LatestCheckpoint(model_dir).ok());
}

BOOST_AUTO_TEST_CASE(RanksReadingOtherDataFailBeforeTheFirstUpdate) {
  TempDir dir;
  const std::string model_dir = dir.file("m");
  Args rank0 = IrisTrain(model_dir, 8, "--steps", 20), rank1 = rank0;
  rank1[13] = RepoDataPath("iris_test.csv");  // --train_csv
  const ChildExit run = Run(Concat(Concat(Concat(Mpirun(1), rank0), {":", "-np", "1"}), rank1));
  BOOST_TEST(!run.ExitedWith(0), run.Describe());
  BOOST_TEST(Contains(run.err, "rank 1 of 2 was launched with another first batch (size and fingerprint) than rank 0"),
             run.err);
}

// The pid rank `rank`'s first log line gives, once it is in the log.
std::optional<pid_t> RankPid(const BackgroundProgram& job, int rank) {
  std::smatch match;
  const std::string log = job.Log();
  if (!std::regex_search(log, match, std::regex("MPI rank " + std::to_string(rank) + " of \\d+ \\(pid (\\d+)\\)"))) {
    return std::nullopt;
  }
  return static_cast<pid_t>(std::stol(match[1]));
}

// The global step of model_dir's latest checkpoint, or -1.
int64_t LatestStep(const std::string& model_dir) {
  StatusOr<std::string> latest = LatestCheckpoint(model_dir);
  if (!latest.ok()) return -1;
  return std::stoll(latest->substr(latest->rfind('-') + 1));
}

// Starts a long 2-rank job saving every 50 steps and waits for rank 1's pid
// and a checkpoint past step 0.
pid_t StartLongJob(BackgroundProgram& job, const std::string& model_dir) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  std::optional<pid_t> pid;
  while (std::chrono::steady_clock::now() < deadline) {
    pid = RankPid(job, 1);
    if (pid.has_value() && LatestStep(model_dir) > 0) return *pid;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  BOOST_FAIL("the job did not start: " << job.Log());
  return -1;
}

// Not --quiet: the ranks' first log lines give their pids.
Args LongTrain(const std::string& model_dir, const Args& extra = {}) {
  Args train = IrisTrain(model_dir, 8, "--steps", 1000000000);
  train.pop_back();  // --quiet
  Args args = Concat(Mpirun(2), train);
  args.insert(args.end(), {"--save_checkpoints_steps", "50", "--keep_checkpoint_max", "3"});
  return Concat(args, extra);
}

BOOST_AUTO_TEST_CASE(ARankKilledEndsTheJobAndARelaunchContinuesFromTheLatestCheckpoint) {
  TempDir dir;
  const std::string model_dir = dir.file("m");
  BackgroundProgram job(LongTrain(model_dir), dir.file("job.log"));
  const pid_t rank1 = StartLongJob(job, model_dir);
  BOOST_TEST_REQUIRE(::kill(rank1, SIGKILL) == 0);
  const auto killed = std::chrono::steady_clock::now();
  const std::optional<ChildExit> end = job.Wait(std::chrono::seconds(60));
  BOOST_TEST_REQUIRE(end.has_value(), "the job still runs 60 s after rank 1 was killed");
  BOOST_TEST_MESSAGE(
      "the job ended " << std::chrono::duration<double>(std::chrono::steady_clock::now() - killed).count()
                       << " s after the kill");
  BOOST_TEST(!end->ExitedWith(0), end->Describe());
  BOOST_TEST(Contains(end->err, "exited on signal 9 (Killed)"), end->err);
  // The latest checkpoint is whole, and a relaunch continues from it.
  const int64_t saved = LatestStep(model_dir);
  BOOST_TEST_REQUIRE(saved > 0);
  auto reader = BundleReader::Open(LatestCheckpoint(model_dir).value()).value();
  BOOST_TEST(reader->VerifyAll().ok());
  const ChildExit relaunch = Run(Concat(Mpirun(2), IrisTrain(model_dir, 8, "--max_steps", saved + 20)));
  BOOST_TEST(relaunch.ExitedWith(0), relaunch.Describe());
  BOOST_TEST(Contains(relaunch.out, "Continued from " + model_dir + "/model.ckpt-" + std::to_string(saved)),
             relaunch.out);
  BOOST_TEST(LatestStep(model_dir) == saved + 20);
}

BOOST_AUTO_TEST_CASE(ARankThatHangsEndsTheJobAfterTheTimeout) {
  TempDir dir;
  const std::string model_dir = dir.file("m");
  BackgroundProgram job(LongTrain(model_dir, {"--mpi_timeout_secs", "3"}), dir.file("job.log"));
  const pid_t rank1 = StartLongJob(job, model_dir);
  BOOST_TEST_REQUIRE(::kill(rank1, SIGSTOP) == 0);
  const std::optional<ChildExit> end = job.Wait(std::chrono::seconds(60));
  ::kill(rank1, SIGKILL);  // if mpirun left it stopped
  BOOST_TEST_REQUIRE(end.has_value(), "the job still runs 60 s after rank 1 stopped");
  BOOST_TEST(!end->ExitedWith(0), end->Describe());
  BOOST_TEST(Contains(end->err, "estimator: DEADLINE_EXCEEDED: rank 0 of 2: "), end->err);
  BOOST_TEST(Contains(end->err, "did not complete within 3 s"), end->err);
  auto reader = BundleReader::Open(LatestCheckpoint(model_dir).value()).value();
  BOOST_TEST(reader->VerifyAll().ok());
}

// `estimator train_and_evaluate` of the Iris DNN, evaluating on the test file.
Args IrisTrainAndEvaluate(const std::string& model_dir, int64_t max_steps, const Args& extra) {
  return Concat(
      {TFCOMPAT_ESTIMATOR_BIN, "train_and_evaluate", "--model_dir", model_dir, "--hidden_units", "10,10", "--seed", "1",
       "--batch_size", "8", "--max_steps", std::to_string(max_steps), "--save_checkpoints_steps", "50", "--train_csv",
       RepoDataPath("iris_training.csv"), "--eval_csv", RepoDataPath("iris_test.csv")},
      extra);
}

// The global steps of the "Saving dict for global step N:" lines of `log`.
std::vector<int64_t> EvaluatedSteps(const std::string& log) {
  std::vector<int64_t> steps;
  const std::regex line("Saving dict for global step (\\d+):");
  for (std::sregex_iterator it(log.begin(), log.end(), line), end; it != end; ++it) {
    steps.push_back(std::stoll((*it)[1]));
  }
  return steps;
}

BOOST_AUTO_TEST_CASE(TwoRanksTrainAndEvaluateLocallyWithRank0Evaluating) {
  TempDir dir;
  const std::string model_dir = dir.file("m");
  const ChildExit run =
      Run(Concat(Mpirun(2), IrisTrainAndEvaluate(model_dir, 150, {"--throttle_secs", "0", "--json"})));
  BOOST_TEST(run.ExitedWith(0), run.Describe());
  // One evaluation per checkpoint after the first, by rank 0 alone.
  const std::vector<int64_t> expected = {50, 100, 150};
  BOOST_TEST(EvaluatedSteps(run.err) == expected, boost::test_tools::per_element());
  BOOST_TEST(Contains(run.out, "\"global_step\": 150"), run.out);
}

BOOST_AUTO_TEST_CASE(AnEvaluatorProcessEvaluatesATwoRankChiefsCheckpointsOnceEach) {
  TempDir dir;
  const std::string model_dir = dir.file("m");
  BackgroundProgram evaluator(
      IrisTrainAndEvaluate(model_dir, 300,
                           {"--task_type", "evaluator", "--start_delay_secs", "0", "--throttle_secs", "0.2"}),
      dir.file("evaluator.log"));
  const ChildExit chief = Run(Concat(Mpirun(2), IrisTrainAndEvaluate(model_dir, 300, {"--task_type", "chief"})));
  BOOST_TEST(chief.ExitedWith(0), chief.Describe());
  BOOST_TEST(Contains(chief.out, "latest checkpoint " + model_dir + "/model.ckpt-300"), chief.out);
  const std::optional<ChildExit> end = evaluator.Wait(std::chrono::seconds(60));
  BOOST_TEST_REQUIRE(end.has_value(), "the evaluator still runs 60 s after training ended");
  BOOST_TEST(end->ExitedWith(0), end->Describe());
  BOOST_TEST(Contains(end->err, "Exiting evaluation, global_step=300 >= train max_steps=300"), end->err);
  // Each checkpoint it saw evaluated once, the last one among them.
  const std::vector<int64_t> steps = EvaluatedSteps(end->err);
  BOOST_TEST_REQUIRE(!steps.empty());
  BOOST_TEST(std::is_sorted(steps.begin(), steps.end()));
  BOOST_TEST((std::adjacent_find(steps.begin(), steps.end()) == steps.end()));
  BOOST_TEST(steps.back() == 300);
}

}  // namespace
}  // namespace tfcompat
