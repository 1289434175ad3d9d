// SPDX-License-Identifier: Apache-2.0
// The `estimator` tool on a full disk: the tool runs as a child process
// whose files cannot grow past a limit (RLIMIT_FSIZE, with SIGXFSZ ignored
// so that write(2) fails with EFBIG, as it fails with ENOSPC on a full
// disk). Whether a checkpoint save or an event file hits the limit, the
// tool exits 2 naming the file, the previous latest checkpoint stays the
// latest, `ckpt_tool validate` passes it, and `estimator evaluate` and a
// later `estimator train` work from it. An `estimator export` that hits the
// limit exits 2 naming the file and leaves no export behind it, earlier
// exports as they were.
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tfcompat/checkpoint/checkpoint.h"
#include "tfcompat/summary/event_file_reader.h"
#include "util/child_process.h"
#include "util/iris.h"
#include "util/temp_dir.h"
#include "util/test_print.h"
#include "util/text.h"

namespace tfcompat {
namespace {

namespace fs = std::filesystem;
using testing::ChildExit;
using testing::Contains;
using testing::ReadAll;
using testing::RepoDataPath;
using testing::RunProgram;
using testing::TempDir;

// Runs `args` (args[0] is the program) with files limited to
// `max_file_bytes` when given; the tool must exit, not be killed.
ChildExit RunTool(const std::vector<std::string>& args, std::optional<rlim_t> max_file_bytes = std::nullopt) {
  const ChildExit run = RunProgram(args, {.max_file_bytes = max_file_bytes});
  BOOST_TEST_REQUIRE(run.exited(), run.Describe());
  return run;
}

// `estimator train` with the Iris data and a fixed seed.
std::vector<std::string> Train(const std::string& model_dir, const std::string& hidden_units, int steps,
                               int save_checkpoints_steps) {
  return {TFCOMPAT_ESTIMATOR_BIN,
          "train",
          "--model_dir",
          model_dir,
          "--hidden_units",
          hidden_units,
          "--steps",
          std::to_string(steps),
          "--save_checkpoints_steps",
          std::to_string(save_checkpoints_steps),
          "--save_summary_steps",
          "1",
          "--seed",
          "1",
          "--train_csv",
          RepoDataPath("iris_training.csv")};
}

// The global_step `estimator evaluate` prints for model_dir's latest
// checkpoint (-1 if it fails).
int64_t EvaluatedStep(const std::string& model_dir, const std::string& hidden_units) {
  const ChildExit run =
      RunTool({TFCOMPAT_ESTIMATOR_BIN, "evaluate", "--model_dir", model_dir, "--hidden_units", hidden_units,
               "--train_csv", RepoDataPath("iris_training.csv"), "--eval_csv", RepoDataPath("iris_test.csv")});
  BOOST_TEST(run.exit_code == 0, run.err);
  const size_t at = run.out.find("global_step");
  if (run.exit_code != 0 || at == std::string::npos) return -1;
  return std::stoll(run.out.substr(at + 11));
}

int64_t LatestStep(const std::string& model_dir) {
  auto latest = LatestCheckpoint(model_dir);
  BOOST_TEST_REQUIRE(latest.ok(), latest.status().ToString());
  auto values = RestoreVariables(*latest, {{"global_step", DataType::kInt64, TensorShape{}}});
  BOOST_TEST_REQUIRE(values.ok(), values.status().ToString());
  return (*values)[0].flat<int64_t>()[0];
}

void ExpectValid(const std::string& model_dir) {
  const ChildExit run = RunTool({TFCOMPAT_CKPT_TOOL_BIN, "validate", model_dir});
  BOOST_TEST(run.exit_code == 0, run.out << run.err);
  BOOST_TEST(Contains(run.out, "OK "), run.out);
}

void ExpectNoTempFiles(const std::string& model_dir) {
  for (const auto& entry : fs::directory_iterator(model_dir)) {
    const std::string name = entry.path().filename().string();
    BOOST_TEST(!Contains(name, ".tempstate"), name);
    BOOST_TEST(!Contains(name, ".tmp"), name);
  }
}

BOOST_AUTO_TEST_SUITE(FullDiskCliTest)

// A model whose data file (about 540 KB with Adagrad's slots) is the
// largest file: a limit one byte short of it fails the first save of the
// second run (the save at the restored step) on its last byte.
BOOST_AUTO_TEST_CASE(CheckpointSaveOnAFullDiskFailsAndKeepsTheLatest) {
  TempDir dir;
  const std::string model_dir = dir.file("iris"), units = "256,256";
  const ChildExit first = RunTool(Train(model_dir, units, 20, 10));
  BOOST_TEST_REQUIRE(first.exit_code == 0, first.err);
  const std::string data = model_dir + "/model.ckpt-20.data-00000-of-00001";
  const rlim_t limit = fs::file_size(data) - 1;
  const std::string state_before = ReadAll(model_dir + "/checkpoint");

  const ChildExit full = RunTool(Train(model_dir, units, 20, 10), limit);
  BOOST_TEST(full.exit_code == 2, full.err);
  BOOST_TEST(Contains(full.err, "estimator: RESOURCE_EXHAUSTED: "), full.err);
  // Names the file: the data file's temp name (model.ckpt-20.data-0.tempstate<n>).
  BOOST_TEST(Contains(full.err, model_dir + "/model.ckpt-20.data-0.tempstate"), full.err);
  BOOST_TEST(Contains(full.err, "File too large"), full.err);
  BOOST_TEST(ReadAll(model_dir + "/checkpoint") == state_before);
  ExpectNoTempFiles(model_dir);
  ExpectValid(model_dir);
  BOOST_TEST(LatestStep(model_dir) == 20);
  BOOST_TEST(EvaluatedStep(model_dir, units) == 20);

  const ChildExit again = RunTool(Train(model_dir, units, 20, 10));
  BOOST_TEST(again.exit_code == 0, again.err);
  BOOST_TEST(LatestStep(model_dir) == 40);
}

// A small model whose event file outgrows the limit while checkpoints
// still fit: training stops at the event file's error; the checkpoints
// saved until then stay valid, the latest restorable.
BOOST_AUTO_TEST_CASE(EventFileOnAFullDiskStopsTrainingWithValidCheckpoints) {
  TempDir dir;
  const std::string model_dir = dir.file("iris"), units = "10,10";
  const ChildExit first = RunTool(Train(model_dir, units, 10, 5));
  BOOST_TEST_REQUIRE(first.exit_code == 0, first.err);
  uintmax_t largest = 0;
  for (const auto& entry : fs::directory_iterator(model_dir)) {
    if (entry.is_regular_file()) largest = std::max(largest, entry.file_size());
  }
  // Room in the new event file for several summary steps (loss, the
  // layers' activation histograms, ...: a few KB each), not for 5000 steps.
  const rlim_t limit = largest + 64 * 1024;

  const ChildExit full = RunTool(Train(model_dir, units, 5000, 25), limit);
  BOOST_TEST(full.exit_code == 2, full.err);
  BOOST_TEST(Contains(full.err, "estimator: RESOURCE_EXHAUSTED: "), full.err);
  BOOST_TEST(Contains(full.err, model_dir + "/events.out.tfevents."), full.err);
  BOOST_TEST(Contains(full.err, "File too large"), full.err);
  ExpectNoTempFiles(model_dir);
  ExpectValid(model_dir);
  // Saves at the restored step 10, then every 25 steps until the error.
  const int64_t latest = LatestStep(model_dir);
  BOOST_TEST(latest > 10);
  BOOST_TEST((latest - 10) % 25 == 0);
  BOOST_TEST(EvaluatedStep(model_dir, units) == latest);
  // Every event file reads to its end; the one that hit the limit may end
  // in a cut record.
  int event_files = 0;
  for (const auto& entry : fs::directory_iterator(model_dir)) {
    if (!entry.path().filename().string().starts_with("events.out.tfevents.")) continue;
    ++event_files;
    auto reader = EventFileReader::Open(entry.path().string());
    BOOST_TEST_REQUIRE(reader.ok());
    EventView event;
    Status s;
    int64_t last_step = -1;
    while ((s = (*reader)->ReadEvent(&event)).ok()) {
      if (event.values.empty() || event.values[0].tag != "loss") continue;
      BOOST_TEST(event.step > last_step);
      last_step = event.step;
    }
    BOOST_TEST(s.code() == StatusCode::kOutOfRange, s.ToString());
  }
  BOOST_TEST(event_files == 2);

  const ChildExit again = RunTool(Train(model_dir, units, 10, 5));
  BOOST_TEST(again.exit_code == 0, again.err);
  BOOST_TEST(LatestStep(model_dir) == latest + 10);
}

// The files of `dir` (recursively), by relative path, with their contents.
std::map<std::string, std::string> Files(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) files[fs::relative(entry.path(), dir).string()] = ReadAll(entry.path().string());
  }
  return files;
}

// The variables' data file is an export's largest file: a limit one byte
// short of it fails the export on its last byte.
BOOST_AUTO_TEST_CASE(ExportOnAFullDiskFailsAndLeavesNoPartialExport) {
  TempDir dir;
  const std::string model_dir = dir.file("iris"), units = "256,256", base = dir.file("export");
  const ChildExit trained = RunTool(Train(model_dir, units, 10, 10));
  BOOST_TEST_REQUIRE(trained.exit_code == 0, trained.err);
  const std::vector<std::string> export_args = {TFCOMPAT_ESTIMATOR_BIN, "export", "--model_dir", model_dir,
                                                "--export_dir",         base,     "--quiet"};
  const ChildExit first = RunTool(export_args);
  BOOST_TEST_REQUIRE(first.exit_code == 0, first.err);
  const std::string first_dir = first.out.substr(0, first.out.size() - 1);
  const std::map<std::string, std::string> first_files = Files(first_dir);
  const rlim_t limit = fs::file_size(first_dir + "/variables/variables.data-00000-of-00001") - 1;

  const ChildExit full = RunTool(export_args, limit);
  BOOST_TEST(full.exit_code == 2, full.err);
  BOOST_TEST(Contains(full.err, "estimator: RESOURCE_EXHAUSTED: "), full.err);
  BOOST_TEST(Contains(full.err, "writing checkpoint " + base + "/temp-"), full.err);
  BOOST_TEST(Contains(full.err, "/variables/variables.data-0.tempstate"), full.err);
  BOOST_TEST(full.out.empty(), full.out);
  std::vector<std::string> entries;
  for (const auto& entry : fs::directory_iterator(base)) entries.push_back(entry.path().filename().string());
  BOOST_TEST(entries == std::vector<std::string>{fs::path(first_dir).filename().string()});
  BOOST_TEST((Files(first_dir) == first_files));

  const ChildExit again = RunTool(export_args);
  BOOST_TEST(again.exit_code == 0, again.err);
  BOOST_TEST((Files(again.out.substr(0, again.out.size() - 1)) == first_files));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
