// SPDX-License-Identifier: Apache-2.0
// SummaryWriter and its EventFileWriter: what reaches the file and when,
// concurrency, and I/O errors from a fault-injecting Env.
#include "tfcompat/summary/summary_writer.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <thread>
#include <vector>

#include "summary/summary_writer_internal.h"
#include "tfcompat/io/record_reader.h"
#include "tfcompat/summary/event_file_reader.h"
#include "util/child_process.h"
#include "util/fault_env.h"
#include "util/temp_dir.h"
#include "util/test_print.h"
#include "util/text.h"

namespace tfcompat {
namespace {

using testing::Contains;
using testing::FaultEnv;
using testing::RunInChild;
using testing::TempDir;

std::vector<EventView> ReadAllEvents(const std::string& path) {
  auto reader = EventFileReader::Open(path);
  BOOST_TEST_REQUIRE(reader.ok());
  std::vector<EventView> events;
  EventView e;
  Status s;
  while ((s = (*reader)->ReadEvent(&e)).ok()) events.push_back(e);
  BOOST_TEST(s.code() == StatusCode::kOutOfRange);
  BOOST_TEST(!(*reader)->truncated_tail());
  return events;
}

std::unique_ptr<SummaryWriter> MakeWriter(const std::string& logdir, const SummaryWriterOptions& options,
                                          Env* env = Env::Default()) {
  auto writer = SummaryWriterAccess::Create(env, logdir, options);
  BOOST_TEST_REQUIRE(writer.ok(), writer.status().ToString());
  return std::move(*writer);
}

std::unique_ptr<SummaryWriter> MakeWriter(const std::string& logdir, int max_queue = 10, Env* env = Env::Default()) {
  SummaryWriterOptions options;
  options.max_queue = max_queue;
  return MakeWriter(logdir, options, env);
}

BOOST_AUTO_TEST_SUITE(SummaryWriterTest)

BOOST_AUTO_TEST_CASE(FileVersionEventIsWrittenAtOnce) {
  TempDir dir;
  auto writer = MakeWriter(dir.file("run/a"));
  const std::string name = Basename(writer->path());
  BOOST_TEST(name.rfind("events.out.tfevents.", 0) == 0);
  BOOST_TEST(Dirname(writer->path()) == dir.file("run/a"));
  // Before any Flush: the first record is already in the file.
  const auto events = ReadAllEvents(writer->path());
  BOOST_TEST_REQUIRE(events.size() == 1u);
  BOOST_TEST(events[0].file_version == "brain.Event:2");
  BOOST_TEST(events[0].wall_time > 1.5e9);
  BOOST_TEST(writer->Close().ok());
}

BOOST_AUTO_TEST_CASE(ScalarWithAWallTimeCarriesItAndOthersTheTimeOfTheCall) {
  TempDir dir;
  auto writer = MakeWriter(dir.file("run"));
  BOOST_TEST(writer->AddScalar("loss", 0.5f, 3, 1234567890.25).ok());
  BOOST_TEST(writer->AddScalar("loss", 0.25f, 4).ok());
  BOOST_TEST_REQUIRE(writer->Close().ok());
  const auto events = ReadAllEvents(writer->path());
  BOOST_TEST_REQUIRE(events.size() == 3u);
  BOOST_TEST(events[1].wall_time == 1234567890.25);
  BOOST_TEST(events[1].step == 3);
  BOOST_TEST_REQUIRE(events[1].values.size() == 1u);
  BOOST_TEST(events[1].values[0].tag == "loss");
  BOOST_TEST(events[1].values[0].scalar == 0.5);
  BOOST_TEST(events[2].wall_time >= events[0].wall_time);
}

BOOST_AUTO_TEST_CASE(WritersNeverShareAFile) {
  TempDir dir;
  auto a = MakeWriter(dir.path());
  auto b = MakeWriter(dir.path());
  BOOST_TEST(a->path() != b->path());
  BOOST_TEST((a->path() < b->path()));  // Creation order is name order.
}

BOOST_AUTO_TEST_CASE(QueueIsWrittenAtMaxQueueOnFlushAndOnClose) {
  TempDir dir;
  auto writer = MakeWriter(dir.path(), 1000);
  for (int step = 0; step < 5; ++step) BOOST_TEST(writer->AddScalar("loss", 0.5f * step, step).ok());
  BOOST_TEST(ReadAllEvents(writer->path()).size() == 1u);  // Still queued.
  BOOST_TEST(writer->Flush().ok());
  const auto events = ReadAllEvents(writer->path());
  BOOST_TEST_REQUIRE(events.size() == 6u);
  for (int step = 0; step < 5; ++step) {
    BOOST_TEST(events[step + 1].step == step);
    BOOST_TEST(events[step + 1].values.at(0).tag == "loss");
    BOOST_TEST(events[step + 1].values.at(0).scalar == 0.5 * step);
  }
  BOOST_TEST(writer->AddScalar("loss", 1.0f, 5).ok());
  BOOST_TEST(writer->Close().ok());
  BOOST_TEST(ReadAllEvents(writer->path()).size() == 7u);
}

BOOST_AUTO_TEST_CASE(DestructorFlushes) {
  TempDir dir;
  std::string path;
  {
    auto writer = MakeWriter(dir.path());
    path = writer->path();
    BOOST_TEST(writer->AddText("notes", "hi", 3).ok());
  }
  const auto events = ReadAllEvents(path);
  BOOST_TEST_REQUIRE(events.size() == 2u);
  BOOST_TEST(events[1].values.at(0).kind == ValueKind::kText);
}

BOOST_AUTO_TEST_CASE(CallsAfterCloseFail) {
  TempDir dir;
  auto writer = MakeWriter(dir.path());
  BOOST_TEST(writer->Close().ok());
  BOOST_TEST(writer->Close().ok());
  BOOST_TEST(writer->AddScalar("x", 1.0f, 1).code() == StatusCode::kFailedPrecondition);
  BOOST_TEST(writer->Flush().code() == StatusCode::kFailedPrecondition);
}

BOOST_AUTO_TEST_CASE(ConcurrentWritersLoseNothing) {
  TempDir dir;
  auto writer = MakeWriter(dir.path(), 7);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&writer, t] {
      const std::string tag = "t" + std::to_string(t);
      for (int step = 0; step < 2000; ++step) {
        if (!writer->AddScalar(tag, static_cast<float>(step), step).ok()) return;
        if (step % 500 == 0 && !writer->Flush().ok()) return;
      }
    });
  }
  for (auto& t : threads) t.join();
  BOOST_TEST(writer->Close().ok());
  std::map<std::string, int64_t> next_step;
  const auto events = ReadAllEvents(writer->path());
  BOOST_TEST(events.size() == 1u + 4 * 2000);
  for (size_t i = 1; i < events.size(); ++i) {
    const auto& v = events[i].values.at(0);
    BOOST_TEST(events[i].step == next_step[v.tag]++);  // In order per thread.
    BOOST_TEST(v.scalar == static_cast<double>(events[i].step));
  }
}

// Callers outpace the thread: with one event per batch and a tiny memory
// bound every slot of the ring fills, callers block for free slots, and
// still nothing is lost or reordered.
BOOST_AUTO_TEST_CASE(FullQueueBlocksCallersAndLosesNothing) {
  TempDir dir;
  SummaryWriterOptions options;
  options.max_queue = 1;
  options.max_pending_bytes = 1024;
  const auto created = MakeWriter(dir.path(), options);
  SummaryWriter& writer = *created;
  constexpr int kThreads = 3;
  constexpr int kSteps = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&writer, t] {
      // Not "t" + std::to_string(t), on which GCC 12 at -O3 warns (a false
      // -Wrestrict) in this file.
      const std::string tag = std::string("t").append(std::to_string(t));
      for (int step = 0; step < kSteps; ++step) {
        if (!writer.AddScalar(tag, static_cast<float>(step), step).ok()) return;
      }
    });
  }
  for (auto& t : threads) t.join();
  BOOST_TEST(writer.Close().ok());
  const auto events = ReadAllEvents(writer.path());
  BOOST_TEST(events.size() == 1u + kThreads * kSteps);
  std::map<std::string, int64_t> next_step;
  for (size_t i = 1; i < events.size(); ++i) {
    BOOST_TEST(events[i].step == next_step[events[i].values.at(0).tag]++);
  }
}

// flush_secs alone (no Flush(), fewer than max_queue events) gets the
// queue to the file, as TF's writer does.
BOOST_AUTO_TEST_CASE(FlushSecsWritesTheQueue) {
  TempDir dir;
  SummaryWriterOptions options;
  options.max_queue = 1000;
  options.flush_secs = 0.05;
  const auto created = MakeWriter(dir.path(), options);
  SummaryWriter& writer = *created;
  for (int step = 0; step < 3; ++step) BOOST_TEST(writer.AddScalar("loss", 1.0f, step).ok());
  // Polled, not timed: a loaded machine may take longer than 50 ms.
  size_t seen = 0;
  for (int i = 0; i < 600 && seen < 4; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    seen = ReadAllEvents(writer.path()).size();
  }
  BOOST_TEST(seen == 4u);
  BOOST_TEST(writer.Close().ok());
}

BOOST_AUTO_TEST_CASE(IoErrorIsReturnedAtNextCallAndKept) {
  TempDir dir;
  FaultEnv env;
  auto created = MakeWriter(dir.path(), 1000, &env);
  SummaryWriter& writer = *created;
  BOOST_TEST(writer.AddScalar("loss", 1.0f, 1).ok());
  env.SetSpaceLeft(0);
  const Status flush = writer.Flush();
  BOOST_TEST(flush.code() == StatusCode::kResourceExhausted);
  BOOST_TEST(Contains(flush.message(), writer.path()));
  BOOST_TEST(writer.AddScalar("loss", 2.0f, 2) == flush);
  BOOST_TEST(writer.AddText("t", "x", 2) == flush);
  BOOST_TEST(writer.Flush() == flush);
  BOOST_TEST(writer.Close() == flush);
}

BOOST_AUTO_TEST_CASE(IoErrorOfBackgroundWriteReachesTheCaller) {
  TempDir dir;
  FaultEnv env;
  auto writer = MakeWriter(dir.path(), 2, &env);
  env.SetSpaceLeft(0);
  // The thread writes (and fails) every 2 events; callers block once 1 MiB
  // waits, so the error surfaces within at most ~25000 calls.
  Status s;
  for (int step = 0; step < 1000000 && s.ok(); ++step) s = writer->AddScalar("x", 1.0f, step);
  BOOST_TEST(s.code() == StatusCode::kResourceExhausted);
  BOOST_TEST(writer->Close() == s);
}

// Writes five scalars and closes, returning the first error (Close's when
// the calls before succeeded).
Status WriteFiveAndClose(SummaryWriter& writer) {
  Status first;
  for (int step = 1; step <= 5; ++step) {
    if (Status s = writer.AddScalar("loss", 1.0f / static_cast<float>(step), step); first.ok()) first = s;
    if (step == 3 && first.ok()) first = writer.Flush();
  }
  const Status closed = writer.Close();
  return first.ok() ? closed : first;
}

// Every file operation of a writer's life fails in turn (EIO): the error
// reaches the caller naming the event file or its directory, and the file
// reads back without a damaged record.
BOOST_AUTO_TEST_CASE(EveryFailedFileOperationReachesTheCaller) {
  FaultEnv env;
  {
    TempDir dir;
    auto writer = MakeWriter(dir.path(), 2, &env);
    BOOST_TEST_REQUIRE(WriteFiveAndClose(*writer).ok());
  }
  const int64_t ops = env.ops();
  BOOST_TEST_REQUIRE(ops >= 8);  // at least create, open, 3 appends, flush/sync, close
  int failed = 0;
  for (int64_t k = 1; k <= ops; ++k) {
    TempDir dir;
    env.ClearLog();
    env.FailNth(k, EIO);
    SummaryWriterOptions options;
    options.max_queue = 2;
    auto writer = SummaryWriterAccess::Create(&env, dir.path(), options);
    const Status s = writer.ok() ? WriteFiveAndClose(**writer) : writer.status();
    env.ClearFaults();
    if (!env.last_failure().has_value()) {  // the writer thread batched more this time
      BOOST_TEST(s.ok(), s.ToString());
      continue;
    }
    const std::string failed_path = env.last_failure()->path;
    BOOST_TEST(s.code() == StatusCode::kUnknown, "operation " << k << ": " << s.ToString());
    BOOST_TEST(Contains(s.message(), failed_path), s.ToString());
    if (writer.ok()) {
      auto reader = EventFileReader::Open((*writer)->path());
      BOOST_TEST_REQUIRE(reader.ok());
      EventView e;
      Status r;
      while ((r = (*reader)->ReadEvent(&e)).ok()) {
      }
      BOOST_TEST(r.code() == StatusCode::kOutOfRange, r.ToString());
    }
    ++failed;
  }
  std::cout << "summary writer: " << failed << " of " << ops
            << " file operations failed in turn, each error returned\n";
}

// A disk that fills after K bytes, for every K up to the file's size: the
// short write lands on disk, the error reaches the caller, and the file
// reads back every event before the cut, then at most a truncated record.
BOOST_AUTO_TEST_CASE(DiskFullAtEveryByteKeepsEveryCompleteEvent) {
  FaultEnv env;
  std::vector<uint64_t> record_ends;  // of the good file
  {
    TempDir dir;
    auto writer = MakeWriter(dir.path(), 2, &env);
    BOOST_TEST_REQUIRE(WriteFiveAndClose(*writer).ok());
    auto reader = EventFileReader::Open(writer->path());
    BOOST_TEST_REQUIRE(reader.ok());
    EventView e;
    while ((*reader)->ReadEvent(&e).ok()) record_ends.push_back((*reader)->offset());
  }
  BOOST_TEST_REQUIRE(record_ends.size() == 6u);
  const uint64_t size = record_ends.back();
  int truncated = 0;
  for (uint64_t space = 0; space < size; ++space) {
    TempDir dir;
    env.SetSpaceLeft(space);
    SummaryWriterOptions options;
    options.max_queue = 2;
    auto writer = SummaryWriterAccess::Create(&env, dir.path(), options);
    const Status s = writer.ok() ? WriteFiveAndClose(**writer) : writer.status();
    env.ClearFaults();
    BOOST_TEST(s.code() == StatusCode::kResourceExhausted, "space " << space << ": " << s.ToString());
    if (!writer.ok()) {
      BOOST_TEST(space < record_ends[0]);  // the first record did not fit
      continue;
    }
    BOOST_TEST(Contains(s.message(), (*writer)->path()));
    BOOST_TEST(std::filesystem::file_size((*writer)->path()) == space);
    auto reader = EventFileReader::Open((*writer)->path());
    BOOST_TEST_REQUIRE(reader.ok());
    EventView e;
    Status r;
    size_t read = 0;
    while ((r = (*reader)->ReadEvent(&e)).ok()) ++read;
    BOOST_TEST(r.code() == StatusCode::kOutOfRange, r.ToString());
    const size_t complete =
        static_cast<size_t>(std::upper_bound(record_ends.begin(), record_ends.end(), space) - record_ends.begin());
    BOOST_TEST(read == complete, "space " << space);
    BOOST_TEST((*reader)->truncated_tail() == (space != (complete == 0 ? 0 : record_ends[complete - 1])));
    truncated += (*reader)->truncated_tail() ? 1 : 0;
  }
  std::cout << "summary writer: disk full at each of " << size << " byte offsets, every complete event read back ("
            << truncated << " cut inside a record)\n";
}

// A real file that cannot grow (RLIMIT_FSIZE, in a child process): the
// write error comes back from the POSIX file, is returned and kept.
BOOST_AUTO_TEST_CASE(FileSizeLimitErrorReachesTheCaller) {
  TempDir dir;
  const testing::ChildExit child = RunInChild(
      [&] {
        auto writer = SummaryWriter::Create(dir.path());
        if (!writer.ok()) return 11;
        Status s;
        for (int step = 0; step < 100000 && s.ok(); ++step) s = (*writer)->AddScalar("loss", 1.0f, step);
        if (s.ok()) return 12;  // 4.4 MB never fit in 4 KiB.
        if (!Contains(s.message(), (*writer)->path())) return 13;
        return (*writer)->Flush() == s && (*writer)->Close() == s ? 0 : 14;
      },
      {.max_file_bytes = 4096});
  BOOST_TEST(child.ExitedWith(0), child.Describe());
}

BOOST_AUTO_TEST_CASE(InvalidArgumentsDoNotPoisonTheWriter) {
  TempDir dir;
  auto writer = MakeWriter(dir.path());
  BOOST_TEST(writer->AddScalar("", 1.0f, 1).code() == StatusCode::kInvalidArgument);
  HistogramData bad;
  bad.bucket_limits = {1.0, 2.0};
  bad.bucket_counts = {1.0};
  BOOST_TEST(writer->AddHistogram("h", bad, 1).code() == StatusCode::kInvalidArgument);
  bad.bucket_counts = {1.0, 1.0};
  bad.bucket_limits = {2.0, 1.0};
  BOOST_TEST(writer->AddHistogram("h", bad, 1).code() == StatusCode::kInvalidArgument);
  const std::vector<double> with_nan = {1.0, std::nan("")};
  BOOST_TEST(writer->AddHistogram("h", with_nan, 1).code() == StatusCode::kInvalidArgument);
  BOOST_TEST(writer->AddHistogram("h", HistogramData::FromValues(with_nan), 1).code() == StatusCode::kInvalidArgument);
  const std::vector<uint8_t> pixels(5);
  BOOST_TEST(writer->AddImage("i", ImageU8{2, 2, 1, pixels}, 1).code() == StatusCode::kInvalidArgument);
  const std::vector<float> samples(3);
  BOOST_TEST(writer->AddAudio("a", samples, 2, 8000, 1).code() == StatusCode::kInvalidArgument);
  BOOST_TEST(writer->AddGraph("\xff\xff\xff").code() == StatusCode::kInvalidArgument);
  const std::vector<std::string> cells(3);
  BOOST_TEST(writer->AddTextTable("t", 2, 2, cells, 1).code() == StatusCode::kInvalidArgument);
  const std::vector<uint8_t> labels(2);
  const std::vector<float> predictions(3);
  BOOST_TEST(writer->AddPrCurve("p", labels, predictions, 1).code() == StatusCode::kInvalidArgument);
  BOOST_TEST(writer->AddScalar("ok", 1.0f, 1).ok());
  BOOST_TEST(writer->Close().ok());
}

BOOST_AUTO_TEST_CASE(SessionLogEventsCarryTheStatusAndCheckpointPath) {
  TempDir dir;
  auto writer = MakeWriter(dir.path());
  BOOST_TEST(writer->AddSessionStart(42).ok());
  BOOST_TEST(writer->AddCheckpoint("/m/model.ckpt-50", 50).ok());
  BOOST_TEST(writer->Close().ok());
  const auto events = ReadAllEvents(writer->path());
  BOOST_TEST_REQUIRE(events.size() == 3u);
  BOOST_TEST(events[1].step == 42);
  BOOST_TEST((events[1].session_status == SessionStatus::kStart));
  BOOST_TEST((events[2].session_status == SessionStatus::kCheckpoint));
  BOOST_TEST(events[2].checkpoint_path == "/m/model.ckpt-50");
}

// Estimator.evaluate's `checkpoint_path`: a rank-0 DT_STRING tensor with no
// plugin metadata, as TF's _write_checkpoint_path_to_summary writes it.
BOOST_AUTO_TEST_CASE(StringTensorIsARankZeroStringWithoutPluginMetadata) {
  TempDir dir;
  auto writer = MakeWriter(dir.path());
  BOOST_TEST(writer->AddStringTensor("checkpoint_path", "/m/model.ckpt-7", 7).ok());
  BOOST_TEST(writer->Close().ok());
  const auto events = ReadAllEvents(writer->path());
  BOOST_TEST_REQUIRE(events.size() == 2u);
  BOOST_TEST(events[1].step == 7);
  BOOST_TEST_REQUIRE(events[1].values.size() == 1u);
  BOOST_TEST((events[1].values[0].kind == ValueKind::kTensor));
  BOOST_TEST(events[1].values[0].plugin_name.empty());
  tensorflow::Event event;
  BOOST_TEST_REQUIRE(event.ParseFromString(events[1].serialized));
  const tensorflow::Summary::Value& value = event.summary().value(0);
  BOOST_TEST(value.tag() == "checkpoint_path");
  BOOST_TEST(!value.has_metadata());
  BOOST_TEST((value.tensor().dtype() == tensorflow::DT_STRING));
  BOOST_TEST(value.tensor().has_tensor_shape());
  BOOST_TEST(value.tensor().tensor_shape().dim_size() == 0);
  BOOST_TEST_REQUIRE(value.tensor().string_val_size() == 1);
  BOOST_TEST(value.tensor().string_val(0) == "/m/model.ckpt-7");
  BOOST_TEST(writer->AddStringTensor("", "x", 8).code() == StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_CASE(EveryValueKindReadsBackAsItsKind) {
  TempDir dir;
  auto writer = MakeWriter(dir.path());
  const std::vector<double> values = {1, 2, 3};
  const std::vector<uint8_t> pixels(4, 7);
  const std::vector<float> samples(10, 0.1f);
  BOOST_TEST(writer->AddScalarTensor("s", 2.5f, 1).ok());
  BOOST_TEST(writer->AddHistogram("h", values, 1).ok());
  BOOST_TEST(writer->AddHistogram("legacy", HistogramData::FromValues(values), 1).ok());
  BOOST_TEST(writer->AddImage("i", ImageU8{2, 2, 1, pixels}, 1).ok());
  BOOST_TEST(writer->AddAudio("a", samples, 1, 100, 1).ok());
  BOOST_TEST(writer->Close().ok());
  const auto events = ReadAllEvents(writer->path());
  BOOST_TEST_REQUIRE(events.size() == 6u);
  BOOST_TEST((events[1].values.at(0).kind == ValueKind::kScalar));
  BOOST_TEST(events[1].values.at(0).scalar == 2.5);
  BOOST_TEST((events[2].values.at(0).kind == ValueKind::kHistogram));
  BOOST_TEST((events[3].values.at(0).kind == ValueKind::kHistogram));
  BOOST_TEST((events[4].values.at(0).kind == ValueKind::kImage));
  BOOST_TEST((events[5].values.at(0).kind == ValueKind::kAudio));
}

BOOST_AUTO_TEST_CASE(EveryAddTakesItsDataThenTheStepThenOptions) {
  TempDir dir;
  auto writer = MakeWriter(dir.path());
  const std::vector<double> values = {1, 2, 3};
  const std::vector<uint8_t> pixels(4, 7);
  const std::vector<float> gray(4, 0.5f);
  const std::vector<ImageU8> batch = {ImageU8{2, 2, 1, pixels}, ImageU8{2, 2, 1, pixels}};
  const std::vector<float> samples(10, 0.1f);
  const std::vector<std::string> cells = {"a", "b"};
  const std::vector<uint8_t> labels = {0, 1};
  const std::vector<float> predictions = {0.25f, 0.75f};
  BOOST_TEST(writer->AddScalar("scalar", 0.5f, 11).ok());
  BOOST_TEST(writer->AddScalar("count", 3, int64_t{12}).ok());
  BOOST_TEST(writer->AddScalarTensor("tensor", 1.5f, 13).ok());
  BOOST_TEST(writer->AddHistogram("histogram", values, 14, 5).ok());
  BOOST_TEST(writer->AddHistogram("legacy", HistogramData::FromValues(values), 15).ok());
  BOOST_TEST(writer->AddImage("u8", ImageU8{2, 2, 1, pixels}, 16).ok());
  BOOST_TEST(writer->AddImage("f32", ImageF32{2, 2, 1, gray}, 17).ok());
  BOOST_TEST(writer->AddImages("batch", batch, 18).ok());
  BOOST_TEST(writer->AddAudio("audio", samples, 2, 100, 19).ok());
  BOOST_TEST(writer->AddText("text", "x", 20).ok());
  BOOST_TEST(writer->AddTextTable("table", 1, 2, cells, 21).ok());
  BOOST_TEST(writer->AddPrCurve("pr", labels, predictions, 22, 3).ok());
  BOOST_TEST(writer->AddCheckpoint("model.ckpt-23", 23).ok());
  BOOST_TEST(writer->AddEmbedding("points", 2, 2, gray, 24, cells).ok());
  BOOST_TEST(writer->Close().ok());

  const auto events = ReadAllEvents(writer->path());
  const std::vector<std::string> tags = {"scalar", "count", "tensor", "histogram", "legacy", "u8",
                                         "f32",    "batch", "audio",  "text",      "table",  "pr"};
  BOOST_TEST_REQUIRE(events.size() == tags.size() + 2);
  for (size_t i = 0; i < tags.size(); ++i) {
    BOOST_TEST(events[i + 1].step == static_cast<int64_t>(11 + i));
    BOOST_TEST(events[i + 1].values.at(0).tag == tags[i]);
  }
  BOOST_TEST(events[1].values.at(0).scalar == 0.5);
  BOOST_TEST(events[2].values.at(0).scalar == 3.0);
  BOOST_TEST(events[3].values.at(0).scalar == 1.5);
  // The optional bucket and threshold counts come after the step.
  tensorflow::Event histogram;
  BOOST_TEST_REQUIRE(histogram.ParseFromString(events[4].serialized));
  BOOST_TEST(histogram.summary().value(0).tensor().tensor_shape().dim(0).size() == 5);
  tensorflow::Event pr_curve;
  BOOST_TEST_REQUIRE(pr_curve.ParseFromString(events[12].serialized));
  BOOST_TEST(pr_curve.summary().value(0).tensor().tensor_shape().dim(1).size() == 3);
  BOOST_TEST(events[13].step == 23);
  BOOST_TEST(events[13].checkpoint_path == "model.ckpt-23");
  BOOST_TEST(std::filesystem::exists(dir.file("00024/points/tensors.tsv")));
  BOOST_TEST(std::filesystem::exists(dir.file("00024/points/metadata.tsv")));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
