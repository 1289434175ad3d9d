// SPDX-License-Identifier: Apache-2.0
// Export directories: which temp directories of killed exports an export
// removes (WriteExportDir); retention (DeleteOldExports): which exports it
// keeps, what it leaves alone, and that a failure at any file operation
// leaves every integer-named export whole.
#include "io/export_dir.h"

#include <boost/filesystem.hpp>
#include <boost/test/unit_test.hpp>
#include <cerrno>
#include <set>
#include <string>
#include <vector>

#include "util/fault_env.h"
#include "util/temp_dir.h"
#include "util/test_print.h"
#include "util/text.h"

namespace tfcompat {
namespace {

namespace fs = boost::filesystem;
using testing::Contains;
using testing::ReadAll;
using testing::TempDir;
using testing::WriteAll;

// An export as the estimator leaves one: a directory with a file and a
// subdirectory holding another.
void MakeExport(const std::string& base, const std::string& name) {
  fs::create_directories(base + "/" + name + "/variables");
  WriteAll(base + "/" + name + "/saved_model.pb", "graph of " + name);
  WriteAll(base + "/" + name + "/variables/variables.index", "index of " + name);
}

std::set<std::string> Entries(const std::string& dir) {
  std::set<std::string> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename().string());
  return names;
}

// Whether base/name is the whole export MakeExport wrote.
bool IsWholeExport(const std::string& base, const std::string& name) {
  const std::string dir = base + "/" + name;
  return fs::exists(dir + "/saved_model.pb") && ReadAll(dir + "/saved_model.pb") == "graph of " + name &&
         fs::exists(dir + "/variables/variables.index") &&
         ReadAll(dir + "/variables/variables.index") == "index of " + name;
}

BOOST_AUTO_TEST_SUITE(ExportDirTest)

BOOST_AUTO_TEST_CASE(export_seconds_are_a_decimal_integer_name) {
  BOOST_TEST(ExportSeconds("1700000000").value() == 1700000000);
  BOOST_TEST(ExportSeconds("0").value() == 0);
  BOOST_TEST(ExportSeconds("999999999999999999").value() == 999999999999999999);
  BOOST_TEST(!ExportSeconds("1000000000000000000").has_value());  // 19 digits
  BOOST_TEST(!ExportSeconds("").has_value());
  BOOST_TEST(!ExportSeconds("temp-1700000000").has_value());
  BOOST_TEST(!ExportSeconds("-5").has_value());
  BOOST_TEST(!ExportSeconds("17e8").has_value());
}

// Killed exports leave temp-<seconds> directories. An export removes those
// of its own second and those more than a day older; younger ones may be
// exports another process is still writing.
BOOST_AUTO_TEST_CASE(an_export_removes_temp_directories_of_its_second_and_of_more_than_a_day_ago) {
  TempDir dir;
  const std::string base = dir.file("export");
  constexpr int64_t kNow = 1700100000;
  const auto temp = [&](int64_t seconds) { return "temp-" + std::to_string(seconds); };
  fs::create_directories(base + "/" + temp(kNow) + "/variables");
  WriteAll(base + "/" + temp(kNow) + "/variables/variables.index", "partial");
  fs::create_directories(base + "/" + temp(kNow - kStaleExportTempSeconds - 1) + "/variables");
  WriteAll(base + "/" + temp(kNow - kStaleExportTempSeconds - 1) + "/saved_model.pb", "partial");
  fs::create_directories(base + "/" + temp(kNow - kStaleExportTempSeconds));
  fs::create_directories(base + "/" + temp(kNow - 60));
  WriteAll(base + "/" + temp(1), "a file, none of ours");
  fs::create_directories(base + "/notes");
  testing::FaultEnv env;
  env.FreezeClock(static_cast<double>(kNow) + 0.5);
  const StatusOr<std::string> exported = WriteExportDir(&env, base, [&](const std::string& temp_dir) {
    return WriteSyncedFile(&env, JoinPath(temp_dir, "model.onnx"), "model");
  });
  BOOST_TEST_REQUIRE(exported.ok(), exported.status().ToString());
  BOOST_TEST(*exported == base + "/" + std::to_string(kNow));
  BOOST_TEST(Entries(base) == (std::set<std::string>{std::to_string(kNow), temp(kNow - kStaleExportTempSeconds),
                                                     temp(kNow - 60), temp(1), "notes"}));
  BOOST_TEST(Entries(*exported) == std::set<std::string>{"model.onnx"});
  BOOST_TEST(ReadAll(*exported + "/model.onnx") == "model");
}

BOOST_AUTO_TEST_CASE(keeps_the_newest_exports_by_number_and_leaves_other_entries_alone) {
  TempDir dir;
  const std::string base = dir.file("export");
  // 999 < 1000 as numbers, not as text.
  for (const char* name : {"999", "1000", "1700000000", "1700000005", "1700000010"}) MakeExport(base, name);
  fs::create_directories(base + "/temp-1700000011");  // an export being written
  fs::create_directories(base + "/notes");
  WriteAll(base + "/12", "a file named like an export");
  const Status deleted = DeleteOldExports(Env::Default(), base, 2);
  BOOST_TEST_REQUIRE(deleted.ok(), deleted.ToString());
  BOOST_TEST(Entries(base) == (std::set<std::string>{"1700000005", "1700000010", "temp-1700000011", "notes", "12"}));
  BOOST_TEST(IsWholeExport(base, "1700000005"));
  BOOST_TEST(IsWholeExport(base, "1700000010"));

  // Fewer exports than kept: nothing to do.
  BOOST_TEST_REQUIRE(DeleteOldExports(Env::Default(), base, 5).ok());
  BOOST_TEST(Entries(base).size() == 5u);
}

BOOST_AUTO_TEST_CASE(finishes_the_deletions_a_crash_interrupted) {
  TempDir dir;
  const std::string base = dir.file("export");
  MakeExport(base, "1700000010");
  fs::create_directories(base + "/temp-1700000001-deleted/variables");  // half deleted
  fs::create_directories(base + "/temp-1700000002-deleted");
  fs::create_directories(base + "/temp-x-deleted");  // not ours: no seconds
  BOOST_TEST_REQUIRE(DeleteOldExports(Env::Default(), base, 5).ok());
  BOOST_TEST(Entries(base) == (std::set<std::string>{"1700000010", "temp-x-deleted"}));
}

BOOST_AUTO_TEST_CASE(refuses_to_keep_fewer_than_one_export) {
  TempDir dir;
  MakeExport(dir.path(), "1700000000");
  const Status status = DeleteOldExports(Env::Default(), dir.path(), 0);
  BOOST_TEST(status.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(Contains(status.message(), "exports_to_keep must be at least 1, got 0"));
  BOOST_TEST(IsWholeExport(dir.path(), "1700000000"));
}

BOOST_AUTO_TEST_CASE(a_missing_export_dir_base_is_not_found) {
  TempDir dir;
  BOOST_TEST(DeleteOldExports(Env::Default(), dir.file("absent"), 5).code() == StatusCode::kNotFound);
}

// Each file operation of a retention pass fails in turn: the pass fails,
// every integer-named export left is whole, the newest are all there, and
// a pass with the disk fine again leaves exactly the newest.
BOOST_AUTO_TEST_CASE(a_failed_file_operation_leaves_every_integer_named_export_whole) {
  const std::vector<std::string> names = {"1700000001", "1700000002", "1700000003", "1700000004"};
  const auto make_exports = [&](const std::string& base) {
    fs::remove_all(base);
    for (const std::string& name : names) MakeExport(base, name);
  };
  TempDir dir;
  const std::string base = dir.file("export");
  testing::FaultEnv env;
  make_exports(base);
  BOOST_TEST_REQUIRE(DeleteOldExports(&env, base, 2).ok());
  const int64_t ops = env.ops();
  BOOST_TEST(ops > 8);
  for (int64_t k = 1; k <= ops; ++k) {
    make_exports(base);
    env.ClearLog();
    env.FailNth(k, EIO);
    const Status failed = DeleteOldExports(&env, base, 2);
    env.ClearFaults();
    BOOST_TEST(!failed.ok(), "operation " << k << " failed, yet the pass succeeded");
    for (const std::string& name : Entries(base)) {
      if (ExportSeconds(name).has_value()) BOOST_TEST(IsWholeExport(base, name), "operation " << k << ": " << name);
    }
    BOOST_TEST(IsWholeExport(base, "1700000003"));
    BOOST_TEST(IsWholeExport(base, "1700000004"));
    BOOST_TEST_REQUIRE(DeleteOldExports(&env, base, 2).ok());
    BOOST_TEST(Entries(base) == (std::set<std::string>{"1700000003", "1700000004"}), "after operation " << k);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
