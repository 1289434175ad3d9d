// SPDX-License-Identifier: Apache-2.0
// Concurrent use: readers running while a CheckpointManager saves see only
// complete checkpoints; many threads share one SummaryWriter; threads share
// the estimator's matrix-product thread pool (this file is also built alone
// under ThreadSanitizer, see tests/CMakeLists.txt).
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "kernels/gemm.h"
#include "tfcompat/checkpoint/checkpoint.h"
#include "tfcompat/summary/event_file_reader.h"
#include "tfcompat/summary/summary_writer.h"
#include "util/temp_dir.h"

namespace tfcompat {
namespace {

using testing::TempDir;

BOOST_AUTO_TEST_SUITE(ConcurrencyTest)

// The saver writes step s with w = [s, s, s, s] and global_step = s; a
// reader that gets any checkpoint must find the two agreeing and intact.
BOOST_AUTO_TEST_CASE(ReaderSeesOnlyCompleteCheckpointsWhileSaving) {
  TempDir dir;
  constexpr int64_t kSaves = 60;
  CheckpointManager::Options options;
  options.keep_checkpoint_max = 3;
  options.writer.sync = false;  // the page cache is what the reader sees
  auto manager = CheckpointManager::Create(dir.path(), options);
  BOOST_REQUIRE(manager.ok());

  std::atomic<bool> done{false};
  std::atomic<int> complete{0}, deleted_under_reader{0}, wrong{0};
  std::thread reader([&] {
    while (!done.load()) {
      auto latest = LatestCheckpoint(dir.path());
      if (!latest.ok()) {
        // Before the first save; later only the retention race below.
        if (latest.status().code() != StatusCode::kNotFound) ++wrong;
        continue;
      }
      auto values = RestoreVariables(
          *latest, {{"global_step", DataType::kInt64, TensorShape{}}, {"w", DataType::kFloat, TensorShape{4}}});
      if (!values.ok()) {
        // keep_checkpoint_max deleted it between LatestCheckpoint and the
        // read: NotFound, never DataLoss or a value from a partial file.
        if (values.status().code() == StatusCode::kNotFound) {
          ++deleted_under_reader;
        } else {
          ++wrong;
          BOOST_TEST_MESSAGE("read of " << *latest << ": " << values.status().ToString());
        }
        continue;
      }
      const int64_t step = (*values)[0].flat<int64_t>()[0];
      bool agrees = *latest == dir.file("model.ckpt-" + std::to_string(step));
      for (float v : (*values)[1].flat<float>()) agrees = agrees && v == static_cast<float>(step);
      if (agrees) {
        ++complete;
      } else {
        ++wrong;
      }
    }
  });
  for (int64_t step = 1; step <= kSaves; ++step) {
    const float s = static_cast<float>(step);
    auto saved = (*manager)->Save(step, {{"global_step", Tensor::FromVector<int64_t>(DataType::kInt64, {}, {step})},
                                         {"w", Tensor::FromVector<float>(DataType::kFloat, {4}, {s, s, s, s})}});
    BOOST_REQUIRE_MESSAGE(saved.ok(), saved.status().ToString());
  }
  done = true;
  reader.join();
  BOOST_TEST_MESSAGE("reader during " << kSaves << " saves: " << complete.load() << " complete checkpoints read, "
                                      << deleted_under_reader.load() << " deleted by retention mid-read, "
                                      << wrong.load() << " wrong");
  BOOST_TEST(wrong.load() == 0);
  BOOST_TEST(complete.load() > 0);
}

BOOST_AUTO_TEST_CASE(ManyThreadsShareOneSummaryWriter) {
  TempDir dir;
  constexpr int kThreads = 8;
  constexpr int kSteps = 200;
  std::string path;
  {
    auto writer = SummaryWriter::Create(dir.path());
    BOOST_REQUIRE(writer.ok());
    path = (*writer)->path();
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        const std::string tag = "thread_" + std::to_string(t);
        for (int step = 0; step < kSteps; ++step) {
          if (!(*writer)->AddScalar(tag, static_cast<float>(t * kSteps + step), step).ok()) ++failures;
          if (step % 50 == 0 && !(*writer)->Flush().ok()) ++failures;
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    BOOST_TEST(failures.load() == 0);
    BOOST_REQUIRE((*writer)->Close().ok());
  }
  auto reader = EventFileReader::Open(path);
  BOOST_REQUIRE(reader.ok());
  std::map<std::string, std::set<int64_t>> steps;
  EventView event;
  Status s;
  while ((s = (*reader)->ReadEvent(&event)).ok()) {
    for (const SummaryValueView& value : event.values) {
      const int t = std::stoi(value.tag.substr(7));
      BOOST_TEST(value.scalar == static_cast<double>(t * kSteps + event.step));
      steps[value.tag].insert(event.step);
    }
  }
  BOOST_TEST((s.code() == StatusCode::kOutOfRange));
  BOOST_TEST(!(*reader)->truncated_tail());
  BOOST_REQUIRE_EQUAL(steps.size(), size_t{kThreads});
  for (const auto& [tag, seen] : steps) BOOST_TEST(seen.size() == size_t{kSteps}, tag);
}

// Threads multiply at once, each on its own output, with products large
// enough to be offered the shared worker thread (gemm.h: kParallelMinFlops):
// one caller at a time gets it, the others run alone, and every result is
// the one a single thread computes.
BOOST_AUTO_TEST_CASE(ThreadsSharingTheMatrixProductPoolGetSingleThreadResults) {
  using kernels::Gemm;
  constexpr int64_t kM = 300, kN = 280, kK = 200;  // 16.8 M multiply-adds
  static_assert(kM * kN * kK >= kernels::gemm_internal::kParallelMinFlops);
  std::vector<float> a(kM * kK), b(kK * kN), expected(kM * kN);
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<float>(i % 13) - 6.0f;
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<float>(i % 7) - 3.0f;
  Gemm(kM, kN, kK, {a.data(), kK, 1}, {b.data(), kN, 1}, {expected.data(), kN, 1});
  constexpr int kThreads = 3, kProducts = 4;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      std::vector<float> c(kM * kN);
      for (int i = 0; i < kProducts; ++i) {
        Gemm(kM, kN, kK, {a.data(), kK, 1}, {b.data(), kN, 1}, {c.data(), kN, 1});
        wrong += c != expected;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  BOOST_TEST(wrong.load() == 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
