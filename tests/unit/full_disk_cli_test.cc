// The `estimator` tool on a full disk: the tool runs as a child process
// whose files cannot grow past a limit (RLIMIT_FSIZE, with SIGXFSZ ignored
// so that write(2) fails with EFBIG, as it fails with ENOSPC on a full
// disk). Whether a checkpoint save or an event file hits the limit, the
// tool exits 2 naming the file, the previous latest checkpoint stays the
// latest, `ckpt_tool validate` passes it, and `estimator evaluate` and a
// later `estimator train` work from it.
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tfcompat/checkpoint/checkpoint.h"
#include "tfcompat/summary/event_file_reader.h"
#include "util/temp_dir.h"
#include "util/test_print.h"

namespace tfcompat {
namespace {

namespace fs = std::filesystem;
using testing::ReadAll;
using testing::TempDir;

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `args` (args[0] is the program) with files limited to `max_file_bytes`
// when given; stdout and stderr are pipes, which the limit does not apply to.
Run RunTool(const std::vector<std::string>& args, std::optional<rlim_t> max_file_bytes = std::nullopt) {
  int out_pipe[2], err_pipe[2];
  BOOST_TEST_REQUIRE(::pipe(out_pipe) == 0);
  BOOST_TEST_REQUIRE(::pipe(err_pipe) == 0);
  const pid_t pid = ::fork();
  BOOST_TEST_REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(out_pipe[1], STDOUT_FILENO);
    ::dup2(err_pipe[1], STDERR_FILENO);
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    if (max_file_bytes.has_value()) {
      ::signal(SIGXFSZ, SIG_IGN);  // inherited by exec: write() returns EFBIG
      const rlimit limit{*max_file_bytes, *max_file_bytes};
      if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(120);
    }
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(121);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  Run run;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&run.out, &run.err};
  int open_pipes = 2;
  while (open_pipes > 0) {
    if (::poll(fds, 2, -1) < 0) continue;  // EINTR
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[4096];
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof(buffer));
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<size_t>(n));
      } else {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_pipes;
      }
    }
  }
  int status = 0;
  BOOST_TEST_REQUIRE(::waitpid(pid, &status, 0) == pid);
  BOOST_TEST_REQUIRE(WIFEXITED(status), "killed by signal " << WTERMSIG(status));
  run.exit_code = WEXITSTATUS(status);
  return run;
}

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

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
          TFCOMPAT_REPO_DATA "/iris_training.csv"};
}

// The global_step `estimator evaluate` prints for model_dir's latest
// checkpoint (-1 if it fails).
int64_t EvaluatedStep(const std::string& model_dir, const std::string& hidden_units) {
  const Run run = RunTool({TFCOMPAT_ESTIMATOR_BIN, "evaluate", "--model_dir", model_dir, "--hidden_units", hidden_units,
                           "--train_csv", TFCOMPAT_REPO_DATA "/iris_training.csv", "--eval_csv",
                           TFCOMPAT_REPO_DATA "/iris_test.csv"});
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
  const Run run = RunTool({TFCOMPAT_CKPT_TOOL_BIN, "validate", model_dir});
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

BOOST_AUTO_TEST_SUITE(FullDiskCli)

// A model whose data file (about 540 KB with Adagrad's slots) is the
// largest file: a limit one byte short of it fails the first save of the
// second run (the save at the restored step) on its last byte.
BOOST_AUTO_TEST_CASE(CheckpointSaveOnAFullDisk) {
  TempDir dir;
  const std::string model_dir = dir.file("iris"), units = "256,256";
  const Run first = RunTool(Train(model_dir, units, 20, 10));
  BOOST_TEST_REQUIRE(first.exit_code == 0, first.err);
  const std::string data = model_dir + "/model.ckpt-20.data-00000-of-00001";
  const rlim_t limit = fs::file_size(data) - 1;
  const std::string state_before = ReadAll(model_dir + "/checkpoint");

  const Run full = RunTool(Train(model_dir, units, 20, 10), limit);
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

  const Run again = RunTool(Train(model_dir, units, 20, 10));
  BOOST_TEST(again.exit_code == 0, again.err);
  BOOST_TEST(LatestStep(model_dir) == 40);
}

// A small model whose event file outgrows the limit while checkpoints
// still fit: training stops at the event file's error; the checkpoints
// saved until then stay valid, the latest restorable.
BOOST_AUTO_TEST_CASE(EventFileOnAFullDisk) {
  TempDir dir;
  const std::string model_dir = dir.file("iris"), units = "10,10";
  const Run first = RunTool(Train(model_dir, units, 10, 5));
  BOOST_TEST_REQUIRE(first.exit_code == 0, first.err);
  uintmax_t largest = 0;
  for (const auto& entry : fs::directory_iterator(model_dir)) {
    if (entry.is_regular_file()) largest = std::max(largest, entry.file_size());
  }
  // Room in the new event file for several summary steps (loss, the
  // layers' activation histograms, ...: a few KB each), not for 5000 steps.
  const rlim_t limit = largest + 64 * 1024;

  const Run full = RunTool(Train(model_dir, units, 5000, 25), limit);
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

  const Run again = RunTool(Train(model_dir, units, 10, 5));
  BOOST_TEST(again.exit_code == 0, again.err);
  BOOST_TEST(LatestStep(model_dir) == latest + 10);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
