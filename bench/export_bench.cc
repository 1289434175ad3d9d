// SPDX-License-Identifier: Apache-2.0
// export_bench: scalar events read per second by `event_tool export`, one
// thread, beside in the same run TensorBoard's EventAccumulator and tbparse
// reading the same logdir (export_bench_tb.py run by the TensorBoard venv's
// python).
//
//   build/bin/export_bench [--dir DIR] [--events N] [--python PYTHON] [--repeat R] [--peers 0|1]
//
// The logdir: runs train/ and eval/, each with tags loss and accuracy, N/4
// steps each (N = 4,000,000 by default), written by SummaryWriter::AddScalar
// (simple_value, as PyTorch and tensorboardX write scalars). Ours, timed R
// times each (default 5) in alternating rounds, the median printed with the
// range, in this thread's CPU time (the machine is shared) and wall-clock
// time: EventFileReader alone (every record's CRCs and decoding), and
// export to /dev/null as CSV and as JSON (reading, sorting, formatting).
// The peers run once each after them, on the same warm files; without the
// venv (or with --peers 0) they are skipped with a note.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli.h"
#include "event_data.h"
#include "subcommands.h"
#include "tfcompat/summary/event_file_reader.h"
#include "tfcompat/summary/summary_writer.h"
#include "thread_cpu_clock.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using CpuClock = tfcompat::bench::ThreadCpuClock;

// Events per second in this thread's CPU time and in wall-clock time.
struct Rate {
  double cpu = 0;
  double wall = 0;
};

class Timer {
 public:
  Rate Stop(int64_t events) const {
    const double cpu = std::chrono::duration<double>(CpuClock::now() - cpu_start_).count();
    const double wall = std::chrono::duration<double>(Clock::now() - wall_start_).count();
    return {static_cast<double>(events) / cpu, static_cast<double>(events) / wall};
  }

 private:
  Clock::time_point wall_start_ = Clock::now();
  CpuClock::time_point cpu_start_ = CpuClock::now();
};

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "export_bench: %s\n", what.c_str());
  std::exit(2);
}

void WriteLogdir(const fs::path& dir, int64_t events) {
  fs::remove_all(dir);
  for (const char* run : {"train", "eval"}) {
    auto writer = tfcompat::SummaryWriter::Create((dir / run).string());
    if (!writer.ok()) Fail(writer.status().ToString());
    for (int64_t step = 0; step < events / 4; ++step) {
      const float x = static_cast<float>(step);
      if (!(*writer)->AddScalar("loss", 1.0f / (1.0f + x * 1e-3f), step).ok() ||
          !(*writer)->AddScalar("accuracy", 1.0f - 0.5f / (1.0f + x * 1e-3f), step).ok()) {
        Fail("AddScalar failed");
      }
    }
    if (!(*writer)->Close().ok()) Fail("Close failed");
  }
}

// Events read per second by EventFileReader over every file of `dir`.
Rate ReaderOnly(const fs::path& dir, int64_t expected) {
  const Timer timer;
  int64_t scalars = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file() || !tfcompat::IsEventFileName(entry.path().filename().string())) continue;
    auto reader = tfcompat::EventFileReader::Open(entry.path().string());
    if (!reader.ok()) Fail(reader.status().ToString());
    tfcompat::EventView event;
    tfcompat::Status s;
    while ((s = (*reader)->ReadEvent(&event)).ok()) {
      for (const auto& v : event.values) scalars += v.kind == tfcompat::ValueKind::kScalar;
    }
    if (s.code() != tfcompat::StatusCode::kOutOfRange) Fail(s.ToString());
  }
  const Rate rate = timer.Stop(scalars);
  if (scalars != expected) Fail("read " + std::to_string(scalars) + " scalars");
  return rate;
}

// Events per second of `event_tool export --kinds scalars` to /dev/null.
Rate Export(const fs::path& dir, const std::string& format, int64_t events) {
  std::ofstream null("/dev/null");
  std::ostringstream err;
  tfcompat::event_tool::ExportOptions options;
  options.logdir = dir.string();
  options.format = format;
  options.kinds = {"scalars"};
  const Timer timer;
  if (tfcompat::event_tool::RunExport(options, null, err) != 0) Fail(err.str());
  return timer.Stop(events);
}

// Runs export_bench_tb.py; false (with the reason printed) when it cannot.
bool Peer(const std::string& python, const std::string& peer, const fs::path& dir, int64_t events, Rate* rate) {
  if (!fs::exists(python)) {
    std::printf("%-34s (not run: no %s)\n", peer.c_str(), python.c_str());
    return false;
  }
  const fs::path script = fs::path(TFCOMPAT_BENCH_DIR) / "export_bench_tb.py";
  const std::string command = python + " " + script.string() + " " + peer + " " + dir.string();
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) Fail("popen failed");
  long long count = 0;
  double cpu_seconds = 0, wall_seconds = 0;
  const bool parsed = std::fscanf(pipe, "%lld %lf %lf", &count, &cpu_seconds, &wall_seconds) == 3;
  const int status = ::pclose(pipe);
  if (!parsed || status != 0) {
    std::printf("%-34s (not run: %s failed; is it installed in %s?)\n", peer.c_str(), peer.c_str(), python.c_str());
    return false;
  }
  if (count != events) Fail(peer + " read " + std::to_string(count) + " scalars");
  *rate = {static_cast<double>(count) / cpu_seconds, static_cast<double>(count) / wall_seconds};
  return true;
}

// The median run by CPU time, the range of CPU-time rates, and the wall-clock
// rate of the median run.
void Print(const char* name, std::vector<Rate> runs) {
  std::sort(runs.begin(), runs.end(), [](const Rate& a, const Rate& b) { return a.cpu < b.cpu; });
  char range[48] = "";
  if (runs.size() > 1)
    std::snprintf(range, sizeof(range), "%.2f-%.2f M", runs.front().cpu / 1e6, runs.back().cpu / 1e6);
  const Rate& median = runs[runs.size() / 2];
  std::printf("%-34s %12.2f M %16s %10.1f %12.2f M\n", name, median.cpu / 1e6, range, 1e9 / median.cpu,
              median.wall / 1e6);
}

}  // namespace

int main(int argc, char** argv) {
  const char* tmp = std::getenv("TMPDIR");
  fs::path base = tmp != nullptr ? tmp : "/tmp";
  std::string python = TFCOMPAT_BENCH_PYTHON;
  int64_t events = 4000000;
  int repeat = 5;
  bool peers = true;
  CLI::App app{"Scalar events per second of EventFileReader and event_tool export, beside TensorBoard and tbparse",
               "export_bench"};
  app.add_option("--dir", base, "Where the scratch logdir goes (default: $TMPDIR or /tmp)");
  app.add_option("--events", events, "Scalar events to write, in 2 runs x 2 tags (rounded down to a multiple of 4)")
      ->check(tfcompat::cli::Positive<int64_t>())
      ->capture_default_str();
  app.add_option("--python", python, "Python with tensorboard and tbparse, for their rows")->capture_default_str();
  app.add_option("--repeat", repeat, "Runs of each reader; the median is printed")
      ->check(tfcompat::cli::Positive<int>())
      ->capture_default_str();
  app.add_option("--peers", peers, "1: also TensorBoard's EventAccumulator and tbparse; 0: ours only")
      ->capture_default_str();
  if (const std::optional<int> exit_code = tfcompat::cli::Parse(app, argc, argv)) return *exit_code;
  if (events < 4) {
    return tfcompat::cli::ReportError(
        "export_bench", tfcompat::InvalidArgumentError("--events must be at least 4, got " + std::to_string(events)),
        std::cerr, tfcompat::cli::kExitUsage);
  }
  events = events / 4 * 4;
  const fs::path dir = base / ("export_bench." + std::to_string(::getpid()));
  WriteLogdir(dir, events);
  std::printf("%lld scalar events in 2 runs x 2 tags\n", static_cast<long long>(events));
  std::printf("%-34s %14s %16s %10s %14s\n", "reader", "events/cpu-s", "range", "cpu-ns/ev", "events/wall-s");
  std::vector<Rate> reader, csv, json;
  for (int i = 0; i < repeat; ++i) {
    reader.push_back(ReaderOnly(dir, events));
    csv.push_back(Export(dir, "csv", events));
    json.push_back(Export(dir, "json", events));
  }
  Print("tfcompat EventFileReader", reader);
  Print("tfcompat export --format csv", csv);
  Print("tfcompat export --format json", json);
  if (peers) {
    Rate rate;
    if (Peer(python, "event_accumulator", dir, events, &rate)) Print("TensorBoard EventAccumulator", {rate});
    if (Peer(python, "tbparse", dir, events, &rate)) Print("tbparse SummaryReader(...).scalars", {rate});
  } else {
    std::printf("(peers not run: --peers 0)\n");
  }
  fs::remove_all(dir);
  return 0;
}
