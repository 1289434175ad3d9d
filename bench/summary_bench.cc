// SPDX-License-Identifier: Apache-2.0
// summary_bench: scalar events per second and bytes per event of
// SummaryWriter::AddScalar, one thread, one file, wall clock including the
// final flush and close, beside in the same run:
//   (a) raw: buffered write() of the same framed bytes (64 KiB writes of
//       pre-encoded records), the I/O floor;
//   (b) tensorboardX's add_scalar (summary_bench_tbx.py run by the venv's
//       python), when that python exists.
//
//   build/bin/summary_bench [--dir DIR] [--python PYTHON] [--tbx-max N] [--repeat R]
//
// Defaults: DIR = $TMPDIR or /tmp, PYTHON = the tb interop venv's python,
// tensorboardX runs at most 10^6 events (it is far slower), R = 5: ours and
// the raw write run R times each, taking turns, and the median run is
// printed with the range (a shared VM's speed moves between runs).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli.h"
#include "io/record_format.h"
#include "summary/summary_encoding.h"
#include "tfcompat/summary/summary_writer.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Result {
  double events_per_sec = 0;
  double bytes_per_event = 0;
};

double Seconds(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

uint64_t DirBytes(const fs::path& dir) {
  uint64_t total = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file()) total += e.file_size();
  }
  return total;
}

// The first record (file_version) is not a scalar event: not counted.
Result Ours(const fs::path& dir, int64_t n, int max_queue) {
  fs::remove_all(dir);
  tfcompat::SummaryWriterOptions options;
  options.max_queue = max_queue;
  auto writer = tfcompat::SummaryWriter::Create(dir.string(), options);
  if (!writer.ok()) {
    std::fprintf(stderr, "summary_bench: %s\n", writer.status().ToString().c_str());
    std::exit(2);
  }
  const uint64_t header_bytes = DirBytes(dir);
  const auto start = Clock::now();
  for (int64_t step = 0; step < n; ++step) {
    if (!(*writer)->AddScalar("loss", static_cast<float>(step) * 0.5f, step).ok()) std::exit(2);
  }
  if (!(*writer)->Close().ok()) std::exit(2);
  const double secs = Seconds(start);
  return {static_cast<double>(n) / secs, static_cast<double>(DirBytes(dir) - header_bytes) / static_cast<double>(n)};
}

// 64 KiB of framed scalar records, written with write() until n records.
Result Raw(const fs::path& dir, int64_t n) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string chunk;
  int64_t per_chunk = 0;
  while (chunk.size() < (64 << 10)) {
    tfcompat::AppendFramedScalarEvent(1764100800.5, 1 << 20, "loss", 0.5f, &chunk);
    ++per_chunk;
  }
  const std::string path = (dir / "raw").string();
  const auto start = Clock::now();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) std::exit(2);
  for (int64_t done = 0; done < n; done += per_chunk) {
    if (::write(fd, chunk.data(), chunk.size()) != static_cast<ssize_t>(chunk.size())) std::exit(2);
  }
  if (::fdatasync(fd) != 0 || ::close(fd) != 0) std::exit(2);
  const double secs = Seconds(start);
  const double written = static_cast<double>((n + per_chunk - 1) / per_chunk * per_chunk);
  return {written / secs, static_cast<double>(chunk.size()) / static_cast<double>(per_chunk)};
}

// Runs the python peer; it prints "<events/s> <bytes/event>".
bool TensorboardX(const std::string& python, const fs::path& dir, int64_t n, Result* result) {
  fs::remove_all(dir);
  const fs::path script = fs::path(TFCOMPAT_BENCH_DIR) / "summary_bench_tbx.py";
  const std::string command = python + " " + script.string() + " " + std::to_string(n) + " " + dir.string();
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return false;
  const bool ok = std::fscanf(pipe, "%lf %lf", &result->events_per_sec, &result->bytes_per_event) == 2;
  return ::pclose(pipe) == 0 && ok;
}

// Runs of one writer, sorted by events/s: the median run and the range.
struct Runs {
  std::vector<Result> sorted;
  explicit Runs(std::vector<Result> results) : sorted(std::move(results)) {
    std::sort(sorted.begin(), sorted.end(),
              [](const Result& a, const Result& b) { return a.events_per_sec < b.events_per_sec; });
  }
  const Result& Median() const { return sorted[sorted.size() / 2]; }
};

void Print(const char* name, int64_t n, const Runs& runs, const Result& raw) {
  const Result& r = runs.Median();
  char range[48] = "";
  if (runs.sorted.size() > 1) {
    std::snprintf(range, sizeof(range), "%.1f-%.1f M", runs.sorted.front().events_per_sec / 1e6,
                  runs.sorted.back().events_per_sec / 1e6);
  }
  std::printf("%-28s %10lld %14.0f %16s %10.1f %10.1f %12.2f\n", name, static_cast<long long>(n), r.events_per_sec,
              range, 1e9 / r.events_per_sec, r.bytes_per_event, raw.events_per_sec / r.events_per_sec);
}

}  // namespace

int main(int argc, char** argv) {
  const char* tmp = std::getenv("TMPDIR");
  fs::path base = tmp != nullptr ? tmp : "/tmp";
  std::string python = TFCOMPAT_BENCH_PYTHON;
  int64_t tbx_max = 1000000;
  int repeat = 5;
  CLI::App app{"Scalar events per second of SummaryWriter, beside raw write() and tensorboardX", "summary_bench"};
  app.add_option("--dir", base, "Where the scratch directory goes (default: $TMPDIR or /tmp)");
  app.add_option("--python", python, "Python with tensorboardX, for its column (a missing one: skipped)")
      ->capture_default_str();
  app.add_option("--tbx-max", tbx_max, "Most events tensorboardX writes")
      ->check(tfcompat::cli::NonNegative<int64_t>())
      ->capture_default_str();
  app.add_option("--repeat", repeat, "Runs of ours and of the raw write, taking turns; the median is printed")
      ->check(tfcompat::cli::Positive<int>())
      ->capture_default_str();
  if (const std::optional<int> exit_code = tfcompat::cli::Parse(app, argc, argv)) return *exit_code;
  const fs::path dir = base / ("summary_bench." + std::to_string(::getpid()));
  std::printf("%-28s %10s %14s %16s %10s %10s %12s\n", "writer", "events", "events/s", "range", "ns/event", "bytes/ev",
              "x raw time");
  for (int64_t n : {int64_t{1000000}, int64_t{10000000}}) {
    std::vector<Result> raw_runs, queue10_runs, queue4096_runs;
    for (int i = 0; i < repeat; ++i) {
      raw_runs.push_back(Raw(dir, n));
      queue10_runs.push_back(Ours(dir, n, 10));
      queue4096_runs.push_back(Ours(dir, n, 4096));
    }
    const Runs raw(std::move(raw_runs));
    const Result raw_median = raw.Median();
    Print("raw write() of same bytes", n, raw, raw_median);
    Print("tfcompat max_queue=10", n, Runs(std::move(queue10_runs)), raw_median);
    Print("tfcompat max_queue=4096", n, Runs(std::move(queue4096_runs)), raw_median);
    Result tbx;
    const int64_t tbx_n = std::min(n, tbx_max);
    if (tbx_n > 0 && fs::exists(python) && TensorboardX(python, dir, tbx_n, &tbx)) {
      Print("tensorboardX add_scalar", tbx_n, Runs({tbx}), raw_median);
    } else {
      std::printf("%-28s (not run: no %s with tensorboardX)\n", "tensorboardX add_scalar", python.c_str());
    }
  }
  fs::remove_all(dir);
  return 0;
}
