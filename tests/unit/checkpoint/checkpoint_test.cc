// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/checkpoint/checkpoint.h"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cerrno>
#include <thread>

#include "checkpoint/checkpoint_internal.h"
#include "util/fault_env.h"
#include "util/temp_dir.h"
#include "util/text.h"

namespace tfcompat {
namespace {

using testing::Contains;
using testing::FaultEnv;
using testing::FileOp;
using testing::ReadAll;
using testing::TempDir;
using testing::WriteAll;

const std::string kEstimatorModel = std::string(TFCOMPAT_TESTDATA) + "/tf/estimator-basics/model";

std::vector<std::pair<std::string, Tensor>> Model(float bias, int64_t step) {
  return {{"dense/bias", Tensor::FromVector<float>(DataType::kFloat, {2}, {bias, -bias})},
          {"dense/kernel", Tensor::FromVector<float>(DataType::kFloat, {3, 2}, {1, 2, 3, 4, 5, 6})},
          {"global_step", Tensor::FromVector<int64_t>(DataType::kInt64, {}, {step})}};
}

CheckpointManager::Options Keep(int max, double hours = 10000.0) {
  CheckpointManager::Options options;
  options.keep_checkpoint_max = max;
  options.keep_checkpoint_every_n_hours = hours;
  return options;
}

std::vector<std::string> Listing(const std::string& dir) {
  std::vector<std::string> names;
  for (auto& f : boost::filesystem::directory_iterator(dir)) names.push_back(f.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

BOOST_AUTO_TEST_SUITE(CheckpointTest)

BOOST_AUTO_TEST_CASE(StateFileTextKnownAnswer) {
  CheckpointState state;
  state.model_checkpoint_path = "model.ckpt-2000";
  state.all_model_checkpoint_paths = {"model.ckpt-0", "model.ckpt-1000", "model.ckpt-2000"};
  // Exactly the file TF 1.14's Estimator wrote.
  BOOST_TEST(FormatCheckpointState(state) == ReadAll(kEstimatorModel + "/checkpoint"));
  state.all_model_checkpoint_timestamps = {1.5, 2.25, 1620981517.4625523};
  state.last_preserved_timestamp = 1620875220.7940528;
  auto parsed = ParseCheckpointState(FormatCheckpointState(state));
  BOOST_REQUIRE(parsed.ok());
  BOOST_TEST((*parsed == state));
  BOOST_TEST(!ParseCheckpointState("model_checkpoint_path: 3 4").ok());
}

BOOST_AUTO_TEST_CASE(ReadsTensorFlowStateFileAndLatest) {
  auto state = ReadCheckpointState(kEstimatorModel);
  BOOST_REQUIRE(state.ok());
  BOOST_TEST(state->model_checkpoint_path == kEstimatorModel + "/model.ckpt-2000");
  BOOST_TEST(state->all_model_checkpoint_paths.front() == kEstimatorModel + "/model.ckpt-0");
  auto latest = LatestCheckpoint(kEstimatorModel);
  BOOST_REQUIRE(latest.ok());
  BOOST_TEST(*latest == kEstimatorModel + "/model.ckpt-2000");
  BOOST_TEST(*ResolveCheckpoint(kEstimatorModel) == *latest);
  BOOST_TEST(*ResolveCheckpoint(kEstimatorModel + "/model.ckpt-0") == kEstimatorModel + "/model.ckpt-0");
}

BOOST_AUTO_TEST_CASE(AbsolutePathsAcceptedWhenAllowed) {
  TempDir dir;
  WriteAll(dir.file("checkpoint"), "model_checkpoint_path: \"/elsewhere/model.ckpt-7\"\n");
  const CheckpointStateOptions allow{.allow_paths_outside_dir = true};
  auto state = ReadCheckpointState(dir.path(), allow);
  BOOST_REQUIRE(state.ok());
  BOOST_TEST(state->model_checkpoint_path == "/elsewhere/model.ckpt-7");
  auto latest = LatestCheckpoint(dir.path(), allow);
  BOOST_REQUIRE(!latest.ok());
  BOOST_TEST((latest.status().code() == StatusCode::kNotFound));
  BOOST_TEST(Contains(latest.status().message(), "/elsewhere/model.ckpt-7.index does not exist"));
}

BOOST_AUTO_TEST_CASE(EmptyOrMissingStateFileIsAnError) {
  TempDir dir;
  BOOST_TEST((LatestCheckpoint(dir.path()).status().code() == StatusCode::kNotFound));
  WriteAll(dir.file("checkpoint"), "all_model_checkpoint_paths: \"x\"\n");
  BOOST_TEST(ReadCheckpointState(dir.path()).status().message() ==
             "Invalid checkpoint state loaded from " + dir.path());
  BOOST_TEST(!ResolveCheckpoint(dir.file("nope")).ok());
}

BOOST_AUTO_TEST_CASE(ManagerKeepsNewestAndDeletesOnlyDroppedFiles) {
  TempDir dir;
  WriteAll(dir.file("model.ckpt-1.index.unrelated"), "keep me");
  auto manager = CheckpointManager::Create(dir.path(), Keep(2));
  BOOST_REQUIRE(manager.ok());
  for (int64_t step : {1, 10, 100}) {
    auto prefix = (*manager)->Save(step, Model(static_cast<float>(step), step));
    BOOST_REQUIRE_MESSAGE(prefix.ok(), prefix.status().ToString());
    BOOST_TEST(*prefix == dir.file("model.ckpt-" + std::to_string(step)));
  }
  BOOST_TEST(
      (Listing(dir.path()) == std::vector<std::string>{"checkpoint", "model.ckpt-1.index.unrelated",
                                                       "model.ckpt-10.data-00000-of-00001", "model.ckpt-10.index",
                                                       "model.ckpt-100.data-00000-of-00001", "model.ckpt-100.index"}));
  BOOST_TEST(ReadAll(dir.file("checkpoint"))
                 .starts_with("model_checkpoint_path: \"model.ckpt-100\"\n"
                              "all_model_checkpoint_paths: \"model.ckpt-10\"\n"
                              "all_model_checkpoint_paths: \"model.ckpt-100\"\n"
                              "all_model_checkpoint_timestamps: "));
  BOOST_TEST(*LatestCheckpoint(dir.path()) == dir.file("model.ckpt-100"));

  // A new manager adopts the list and keeps counting from it.
  auto again = CheckpointManager::Create(dir.path(), Keep(2));
  BOOST_REQUIRE(again.ok());
  BOOST_TEST((*again)->checkpoints().size() == 2u);
  BOOST_REQUIRE((*again)->Save(1000, Model(1, 1000)).ok());
  BOOST_TEST(!boost::filesystem::exists(dir.file("model.ckpt-10.index")));
  BOOST_TEST((*again)->checkpoints().back() == dir.file("model.ckpt-1000"));
}

BOOST_AUTO_TEST_CASE(KeepMaxZeroKeepsAll) {
  TempDir dir;
  auto manager = CheckpointManager::Create(dir.path(), Keep(0));
  BOOST_REQUIRE(manager.ok());
  for (int64_t step = 0; step < 7; ++step) BOOST_REQUIRE((*manager)->Save(step, Model(1, step)).ok());
  BOOST_TEST((*manager)->checkpoints().size() == 7u);
  BOOST_TEST(boost::filesystem::exists(dir.file("model.ckpt-0.index")));
}

BOOST_AUTO_TEST_CASE(EveryNHoursPreservesButUnlists) {
  TempDir dir;
  auto manager = CheckpointManager::Create(dir.path(), Keep(1, 1e-12));
  BOOST_REQUIRE(manager.ok());
  for (int64_t step = 0; step < 3; ++step) BOOST_REQUIRE((*manager)->Save(step, Model(1, step)).ok());
  BOOST_TEST((*manager)->checkpoints().size() == 1u);
  BOOST_TEST(boost::filesystem::exists(dir.file("model.ckpt-0.index")));
  BOOST_TEST(boost::filesystem::exists(dir.file("model.ckpt-1.index")));

  // 0 hours disables preserving, as in TF.
  TempDir other;
  auto plain = CheckpointManager::Create(other.path(), Keep(1, 0));
  BOOST_REQUIRE(plain.ok());
  for (int64_t step = 0; step < 3; ++step) BOOST_REQUIRE((*plain)->Save(step, Model(1, step)).ok());
  BOOST_TEST(!boost::filesystem::exists(other.file("model.ckpt-1.index")));
}

BOOST_AUTO_TEST_CASE(FailedSaveKeepsPreviousLatest) {
  TempDir dir;
  auto manager = CheckpointManager::Create(dir.path());
  BOOST_REQUIRE(manager.ok());
  BOOST_REQUIRE((*manager)->Save(1, Model(1, 1)).ok());
  const std::string state_before = ReadAll(dir.file("checkpoint"));
  auto failed = (*manager)->Save(2, [](BundleWriter& writer) {
    if (!writer.Add("a", Tensor::FromVector<float>(DataType::kFloat, {1}, {1})).ok()) return InternalError("add");
    return InternalError("crash in the middle of a save");
  });
  BOOST_TEST(!failed.ok());
  BOOST_TEST(ReadAll(dir.file("checkpoint")) == state_before);
  BOOST_TEST((Listing(dir.path()) ==
              std::vector<std::string>{"checkpoint", "model.ckpt-1.data-00000-of-00001", "model.ckpt-1.index"}));
  BOOST_TEST(*LatestCheckpoint(dir.path()) == dir.file("model.ckpt-1"));
}

BOOST_AUTO_TEST_CASE(RestoreReportsEveryMismatchInTensorFlowsWords) {
  TempDir dir;
  auto manager = CheckpointManager::Create(dir.path());
  BOOST_REQUIRE(manager.ok());
  auto prefix = (*manager)->Save(5, Model(0.5f, 5));
  BOOST_REQUIRE(prefix.ok());
  std::vector<VariableSpec> good = {{"dense/kernel", DataType::kFloat, {3, 2}}, {"global_step", DataType::kInt64, {}}};
  auto values = RestoreVariables(*prefix, good);
  BOOST_REQUIRE(values.ok());
  BOOST_TEST(values->at(1).flat<int64_t>()[0] == 5);

  std::vector<VariableSpec> bad = {{"dense/bias", DataType::kFloat, {20}},
                                   {"dense/kernel", DataType::kDouble, {3, 2}},
                                   {"dnn/logits/bias", DataType::kFloat, {3}}};
  auto restored = RestoreVariables(*prefix, bad, "/my/model_dir");
  BOOST_REQUIRE(!restored.ok());
  BOOST_TEST((restored.status().code() == StatusCode::kInvalidArgument));
  const std::string& m = restored.status().message();
  BOOST_TEST(Contains(m, "Restoring from checkpoint " + *prefix + " (model_dir /my/model_dir)"));
  BOOST_TEST(Contains(m,
                      "tensor_name = dense/bias; shape in shape_and_slice spec [20] does not match the shape "
                      "stored in checkpoint: [2]"));
  BOOST_TEST(Contains(m, "tensor_name = dense/kernel; expected dtype double does not equal original dtype float"));
  BOOST_TEST(Contains(m, "Key dnn/logits/bias not found in checkpoint"));
  BOOST_TEST(Contains(m, "(3 problems)"));

  auto missing = RestoreVariables(*prefix, {{"nope", DataType::kFloat, {}}});
  BOOST_TEST((missing.status().code() == StatusCode::kNotFound));
}

BOOST_AUTO_TEST_CASE(RestoreIntoTheCallersMemoryReadsNothingUnlessEveryVariableMatches) {
  TempDir dir;
  auto manager = CheckpointManager::Create(dir.path());
  BOOST_REQUIRE(manager.ok());
  auto prefix = (*manager)->Save(5, Model(0.5f, 5));
  BOOST_REQUIRE(prefix.ok());
  std::vector<float> kernel(6, -1.0f);
  int64_t step = -1;
  const std::span<char> kernel_bytes(reinterpret_cast<char*>(kernel.data()), kernel.size() * sizeof(float));
  const std::span<char> step_bytes(reinterpret_cast<char*>(&step), sizeof(step));

  const VariableDestination bad[] = {{{"dense/kernel", DataType::kFloat, {3, 2}}, kernel_bytes},
                                     {{"global_step", DataType::kInt32, {}}, step_bytes}};
  const Status mismatch = RestoreVariablesInto(*prefix, bad, "/my/model_dir");
  BOOST_TEST((mismatch.code() == StatusCode::kInvalidArgument));
  BOOST_TEST(
      Contains(mismatch, "(model_dir /my/model_dir) failed: the model does not match the checkpoint (1 problem)"));
  BOOST_TEST(Contains(mismatch, "tensor_name = global_step; expected dtype int32 does not equal original dtype int64"));
  BOOST_TEST((kernel == std::vector<float>(6, -1.0f)));

  const VariableDestination good[] = {{{"dense/kernel", DataType::kFloat, {3, 2}}, kernel_bytes},
                                      {{"global_step", DataType::kInt64, {}}, step_bytes}};
  const Status restored = RestoreVariablesInto(*prefix, good);
  BOOST_REQUIRE_MESSAGE(restored.ok(), restored.ToString());
  BOOST_TEST(step == 5);
  BOOST_TEST((kernel == std::vector<float>{1, 2, 3, 4, 5, 6}));
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
// SaveAsync

// A model's variables in the caller's memory, as SaveAsync sees them.
struct Variables {
  std::vector<float> bias = {0, 0};
  int64_t step = 0;

  void Set(int64_t at) {
    bias = {static_cast<float>(at), -static_cast<float>(at)};
    step = at;
  }
  std::vector<CheckpointManager::TensorView> Views() const {
    return {{"dense/bias", DataType::kFloat, {2}, {reinterpret_cast<const char*>(bias.data()), 8}},
            {"global_step", DataType::kInt64, {}, {reinterpret_cast<const char*>(&step), 8}}};
  }
};

// The global_step and bias[0] of the checkpoint `prefix`.
std::pair<int64_t, float> StepAndBias(const std::string& prefix) {
  auto values =
      RestoreVariables(prefix, {{"global_step", DataType::kInt64, {}}, {"dense/bias", DataType::kFloat, {2}}});
  BOOST_TEST_REQUIRE(values.ok(), values.status().ToString());
  return {(*values)[0].flat<int64_t>()[0], (*values)[1].flat<float>()[0]};
}

BOOST_AUTO_TEST_SUITE(CheckpointAsyncTest)

BOOST_AUTO_TEST_CASE(SaveAsyncWritesTheValuesAtTheCallAndKeepsTheNewest) {
  TempDir dir;
  auto manager = CheckpointManager::Create(dir.path(), Keep(2));
  BOOST_REQUIRE(manager.ok());
  Variables vars;
  for (int64_t step : {1, 10, 100}) {
    vars.Set(step);
    const Status started = (*manager)->SaveAsync(step, vars.Views());
    BOOST_REQUIRE_MESSAGE(started.ok(), started.ToString());
    vars.Set(-1);  // training goes on: the save in flight keeps the copy
  }
  const Status waited = (*manager)->Wait();
  BOOST_REQUIRE_MESSAGE(waited.ok(), waited.ToString());
  BOOST_TEST((Listing(dir.path()) ==
              std::vector<std::string>{"checkpoint", "model.ckpt-10.data-00000-of-00001", "model.ckpt-10.index",
                                       "model.ckpt-100.data-00000-of-00001", "model.ckpt-100.index"}));
  BOOST_TEST(
      ((*manager)->checkpoints() == std::vector<std::string>{dir.file("model.ckpt-10"), dir.file("model.ckpt-100")}));
  BOOST_TEST(*LatestCheckpoint(dir.path()) == dir.file("model.ckpt-100"));
  BOOST_TEST((StepAndBias(dir.file("model.ckpt-10")) == std::pair<int64_t, float>(10, 10.0f)));
  BOOST_TEST((StepAndBias(dir.file("model.ckpt-100")) == std::pair<int64_t, float>(100, 100.0f)));
  // Nothing in flight: Wait has nothing to report.
  BOOST_TEST((*manager)->Wait().ok());
}

BOOST_AUTO_TEST_CASE(SaveAsyncReturnsBeforeTheWriteAndTheNextOneWaitsForIt) {
  TempDir dir;
  FaultEnv env;
  auto manager = CheckpointAccess::NewManager(&env, dir.path(), Keep(0));
  BOOST_REQUIRE(manager.ok());
  Variables vars;
  vars.Set(1);
  // The disk stalls at the save's first file: SaveAsync returns regardless.
  env.HoldNext(FileOp::kNewWritableFile);
  BOOST_REQUIRE((*manager)->SaveAsync(1, vars.Views()).ok());
  env.WaitUntilHeld();
  std::atomic<bool> second_started{false};
  Status second_status;  // checked after join: Boost.Test checks are not thread-safe
  std::thread second([&] {
    vars.Set(2);
    second_status = (*manager)->SaveAsync(2, vars.Views());
    second_started = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  // At most one save in flight: the second waits for the stalled one.
  BOOST_TEST(!second_started.load());
  BOOST_TEST(!boost::filesystem::exists(dir.file("checkpoint")));
  env.Release();
  second.join();
  BOOST_TEST(second_started.load());
  BOOST_TEST(second_status.ok(), second_status.ToString());
  BOOST_REQUIRE((*manager)->Wait().ok());
  BOOST_TEST(
      ((*manager)->checkpoints() == std::vector<std::string>{dir.file("model.ckpt-1"), dir.file("model.ckpt-2")}));
  BOOST_TEST((StepAndBias(dir.file("model.ckpt-1")) == std::pair<int64_t, float>(1, 1.0f)));
  BOOST_TEST((StepAndBias(dir.file("model.ckpt-2")) == std::pair<int64_t, float>(2, 2.0f)));
}

BOOST_AUTO_TEST_CASE(AsyncErrorSurfacesAtTheNextSaveOnceAndThatSaveIsNotStarted) {
  TempDir dir;
  FaultEnv env;
  auto manager = CheckpointAccess::NewManager(&env, dir.path(), Keep(0));
  BOOST_REQUIRE(manager.ok());
  Variables vars;
  vars.Set(1);
  BOOST_REQUIRE((*manager)->SaveAsync(1, vars.Views()).ok());
  BOOST_REQUIRE((*manager)->Wait().ok());
  const std::string state_before = ReadAll(dir.file("checkpoint"));

  env.FailNth(1, ENOSPC);  // the background save's first file operation
  vars.Set(2);
  BOOST_REQUIRE((*manager)->SaveAsync(2, vars.Views()).ok());
  vars.Set(3);
  const Status next = (*manager)->SaveAsync(3, vars.Views());
  BOOST_TEST((next.code() == StatusCode::kResourceExhausted), next.ToString());
  BOOST_TEST(Contains(next, env.last_failure()->path), next.ToString());
  BOOST_TEST(ReadAll(dir.file("checkpoint")) == state_before);
  BOOST_TEST((*manager)->Wait().ok());  // reported once; step 3 never started
  BOOST_TEST(!boost::filesystem::exists(dir.file("model.ckpt-3.index")));
  BOOST_TEST(!boost::filesystem::exists(dir.file("model.ckpt-2.index")));

  // The disk is fine again: the retry saves.
  BOOST_REQUIRE((*manager)->SaveAsync(3, vars.Views()).ok());
  BOOST_REQUIRE((*manager)->Wait().ok());
  BOOST_TEST(*LatestCheckpoint(dir.path()) == dir.file("model.ckpt-3"));
  BOOST_TEST((Listing(dir.path()) == std::vector<std::string>{"checkpoint", "model.ckpt-1.data-00000-of-00001",
                                                              "model.ckpt-1.index", "model.ckpt-3.data-00000-of-00001",
                                                              "model.ckpt-3.index"}));
}

BOOST_AUTO_TEST_CASE(AsyncErrorSurfacesAtWaitAndAtSave) {
  TempDir dir;
  FaultEnv env;
  auto manager = CheckpointAccess::NewManager(&env, dir.path(), Keep(0));
  BOOST_REQUIRE(manager.ok());
  Variables vars;
  env.FailNth(1, EIO);
  BOOST_REQUIRE((*manager)->SaveAsync(1, vars.Views()).ok());
  const Status waited = (*manager)->Wait();
  BOOST_TEST(!waited.ok());
  BOOST_TEST(Contains(waited, env.last_failure()->path), waited.ToString());
  BOOST_TEST((*manager)->Wait().ok());

  env.FailNth(1, EIO);
  BOOST_REQUIRE((*manager)->SaveAsync(1, vars.Views()).ok());
  const auto saved = (*manager)->Save(2, Model(2, 2));
  BOOST_TEST(!saved.ok());
  BOOST_TEST(Contains(saved.status(), env.last_failure()->path), saved.status().ToString());
  BOOST_TEST(!boost::filesystem::exists(dir.file("model.ckpt-2.index")));
  BOOST_TEST((*manager)->Save(2, Model(2, 2)).ok());
}

BOOST_AUTO_TEST_CASE(DestroyingTheManagerWaitsForTheSaveInFlight) {
  TempDir dir;
  Variables vars;
  vars.Set(7);
  {
    auto manager = CheckpointManager::Create(dir.path());
    BOOST_REQUIRE(manager.ok());
    BOOST_REQUIRE((*manager)->SaveAsync(7, vars.Views()).ok());
  }
  BOOST_TEST((StepAndBias(*LatestCheckpoint(dir.path())) == std::pair<int64_t, float>(7, 7.0f)));
  BOOST_TEST(Listing(dir.path()).size() == 3u);
}

BOOST_AUTO_TEST_CASE(SaveAsyncRefusesViewsThatDoNotMatchTheirShape) {
  TempDir dir;
  auto manager = CheckpointManager::Create(dir.path());
  BOOST_REQUIRE(manager.ok());
  const std::vector<float> values(3);
  const std::string_view bytes(reinterpret_cast<const char*>(values.data()), 12);
  const CheckpointManager::TensorView short_view[] = {{"dense/kernel", DataType::kFloat, {2, 2}, bytes}};
  const Status wrong_size = (*manager)->SaveAsync(1, short_view);
  BOOST_TEST((wrong_size.code() == StatusCode::kInvalidArgument));
  BOOST_TEST(Contains(wrong_size, "tensor dense/kernel of dtype float and shape [2,2] has 12 bytes"),
             wrong_size.ToString());
  const CheckpointManager::TensorView string_view[] = {{"vocab", DataType::kString, {3}, bytes}};
  BOOST_TEST(Contains((*manager)->SaveAsync(1, string_view), "tensor vocab of dtype string"));
  BOOST_TEST((*manager)->Wait().ok());
  BOOST_TEST(Listing(dir.path()).empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
