// SPDX-License-Identifier: Apache-2.0
// What the tests of the Estimator's exports (SavedModel, ONNX) share: a
// briefly trained Iris classifier, the entries of an export directory, and
// the atomicity check under every injected file-operation failure.
#ifndef TFCOMPAT_TESTS_UNIT_ESTIMATOR_EXPORT_TEST_UTIL_H_
#define TFCOMPAT_TESTS_UNIT_ESTIMATOR_EXPORT_TEST_UTIL_H_

#include <boost/filesystem.hpp>
#include <boost/test/unit_test.hpp>
#include <cerrno>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "estimator/estimator_internal.h"
#include "tfcompat/estimator/estimator.h"
#include "util/fault_env.h"
#include "util/iris.h"
#include "util/temp_dir.h"

namespace tfcompat::estimator::export_test {

inline const LogFn kQuiet = [](const std::string&) {};

inline RunConfig Config(const testing::TempDir& dir) {
  RunConfig config;
  config.model_dir = dir.file("model");
  config.tf_random_seed = 1;
  return config;
}

inline void TrainSteps(Estimator& estimator, int64_t steps) {
  const InputFn input = DatasetInputFn(testing::ReadIris("iris_training.csv"), {.batch_size = 32, .seed = 7});
  const Status trained = estimator.Train(input, model::TrainSteps::Steps(steps));
  BOOST_TEST_REQUIRE(trained.ok(), trained.ToString());
}

// The Iris DNNClassifier ([10, 10]) after 5 steps, in dir/model.
inline std::unique_ptr<Estimator> TrainedClassifier(const testing::TempDir& dir) {
  std::unique_ptr<Estimator> estimator =
      Estimator::DNNClassifier(testing::IrisClassifierOptions(), Config(dir), kQuiet).value();
  TrainSteps(*estimator, 5);
  return estimator;
}

// The entries of `dir`: names only.
inline std::set<std::string> Entries(const std::string& dir) {
  std::set<std::string> names;
  for (const boost::filesystem::directory_entry& entry : boost::filesystem::directory_iterator(dir)) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

// Every file under `dir`, by its path relative to `dir`, with its contents.
inline std::map<std::string, std::string> Files(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const boost::filesystem::directory_entry& entry : boost::filesystem::recursive_directory_iterator(dir)) {
    if (boost::filesystem::is_regular_file(entry.path())) {
      files[boost::filesystem::relative(entry.path(), dir).string()] = testing::ReadAll(entry.path().string());
    }
  }
  return files;
}

// Whether two exports hold the same files with the same bytes.
inline void CheckSameFiles(const std::map<std::string, std::string>& actual,
                           const std::map<std::string, std::string>& expected, const std::string& what) {
  std::set<std::string> actual_names, expected_names;
  for (const auto& [name, contents] : actual) actual_names.insert(name);
  for (const auto& [name, contents] : expected) expected_names.insert(name);
  BOOST_TEST(actual_names == expected_names, what);
  for (const auto& [name, contents] : expected) {
    const auto it = actual.find(name);
    BOOST_TEST((it != actual.end() && it->second == contents), what << ": " << name);
  }
}

using ExportFn = std::function<StatusOr<std::string>(Estimator& estimator, const std::string& export_dir_base)>;

// Exports once, then again with each file operation of that export failing
// in turn (at a new second each time, so the export's name is free):
// every attempt fails, leaves no integer-named directory and no temp
// directory (but when the fsync of export_dir_base, which follows the
// rename, fails: then the export is complete), and the first export stays
// as it was. With the disk fine again, the next export succeeds with the
// same files.
inline void CheckEveryFailedFileOperationLeavesNoPartialExport(Estimator& estimator, const std::string& base,
                                                               const ExportFn& export_fn) {
  testing::FaultEnv env;
  EstimatorAccess::SetEnv(estimator, &env);
  const double t0 = 1700000000;
  env.FreezeClock(t0);
  const std::string first = export_fn(estimator, base).value();
  const int64_t ops = env.ops();
  const std::map<std::string, std::string> first_files = Files(first);
  BOOST_TEST(ops > 5);
  for (int64_t k = 1; k <= ops; ++k) {
    const std::string name = std::to_string(static_cast<int64_t>(t0) + k);
    env.FreezeClock(t0 + static_cast<double>(k));
    env.ClearLog();
    env.FailNth(k, EIO);
    const StatusOr<std::string> exported = export_fn(estimator, base);
    env.ClearFaults();
    BOOST_TEST_REQUIRE(!exported.ok(), "operation " << k << " failed, yet the export succeeded");
    const std::optional<testing::FileOpRecord> failed = env.last_failure();
    BOOST_TEST_REQUIRE(failed.has_value());
    if (failed->op == testing::FileOp::kSyncDir && failed->path == base) {
      CheckSameFiles(Files(base + "/" + name), first_files, "export whose directory fsync failed");
      boost::filesystem::remove_all(base + "/" + name);
    }
    BOOST_TEST(Entries(base) == std::set<std::string>{"1700000000"},
               "operation " << k << " (" << testing::FileOpName(failed->op) << " " << failed->path
                            << "): " << exported.status().ToString());
    CheckSameFiles(Files(first), first_files, "first export after operation " + std::to_string(k) + " failed");
  }
  env.FreezeClock(t0 + static_cast<double>(ops) + 1);
  const StatusOr<std::string> last = export_fn(estimator, base);
  BOOST_TEST_REQUIRE(last.ok(), last.status().ToString());
  CheckSameFiles(Files(*last), first_files, "export after the faults");
  EstimatorAccess::SetEnv(estimator, Env::Default());
}

}  // namespace tfcompat::estimator::export_test

#endif  // TFCOMPAT_TESTS_UNIT_ESTIMATOR_EXPORT_TEST_UTIL_H_
