// SPDX-License-Identifier: Apache-2.0
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "command_line.h"
#include "commands.h"
#include "tfcompat/checkpoint/checkpoint.h"
#include "util/temp_dir.h"
#include "util/text.h"

namespace tfcompat::ckpt_tool {
namespace {

using cli::kExitCheckFailed;
using cli::kExitError;
using cli::kExitOk;
using cli::kExitUsage;
using testing::CommandLine;
using testing::Contains;
using testing::IsErrorLine;
using testing::Keys;
using testing::ReadAll;
using testing::TempDir;
using testing::WriteAll;

using KeySet = std::set<std::string>;

CommandLine Run(const std::vector<std::string>& args) { return testing::RunCommandLine(SetupCommands, args); }

std::string Save(const TempDir& dir, int64_t step, float scale) {
  auto manager = CheckpointManager::Create(dir.path());
  BOOST_REQUIRE(manager.ok());
  auto prefix = (*manager)->Save(
      step, {{"dense/kernel", Tensor::FromVector<float>(DataType::kFloat, {2, 4}, {1, 2, 3, 4, 5, 6, 7, 8 * scale})},
             {"dense/bias", Tensor::FromVector<float>(DataType::kFloat, {2}, {NAN, INFINITY})},
             {"names", *Tensor::FromStrings({2}, {"a", std::string("\xff", 1)})},
             {"global_step", Tensor::FromVector<int64_t>(DataType::kInt64, {}, {step})}});
  BOOST_REQUIRE(prefix.ok());
  return *prefix;
}

BOOST_AUTO_TEST_SUITE(CkptToolTest)

BOOST_AUTO_TEST_CASE(ListPrintsJsonAndFilters) {
  TempDir dir;
  Save(dir, 7, 1);
  std::ostringstream out, err;
  BOOST_REQUIRE_EQUAL(RunList({.path = dir.path(), .json = true, .filter = "dense/*"}, out, err), kExitOk);
  const auto doc = nlohmann::json::parse(out.str());
  BOOST_TEST(doc["checkpoint"].get<std::string>() == dir.file("model.ckpt-7"));
  BOOST_REQUIRE_EQUAL(doc["tensors"].size(), 2u);
  BOOST_TEST(doc["tensors"][1]["name"].get<std::string>() == "dense/kernel");
  BOOST_TEST(doc["tensors"][1]["dtype"].get<std::string>() == "float32");
  BOOST_TEST(doc["tensors"][1]["shape"].dump() == "[2,4]");
  BOOST_TEST(doc["total_bytes"].get<int64_t>() == 8 + 32);
}

BOOST_AUTO_TEST_CASE(PrintSummarisesTensorsAsTextAndJson) {
  TempDir dir;
  const std::string prefix = Save(dir, 7, 1);
  std::ostringstream out, err;
  BOOST_REQUIRE_EQUAL(
      RunPrint({.path = prefix, .names = {"dense/kernel", "dense/bias", "names"}, .json = false}, out, err), kExitOk);
  BOOST_TEST(out.str() ==
             "dense/kernel  float32  [2,4]\n  [1 2 3 ... 6 7 8]\n  min=1 max=8 mean=4.5 std=2.291288 nan=0 inf=0\n"
             "dense/bias  float32  [2]\n  [NaN Infinity]\n  min=0 max=0 mean=0 std=0 nan=1 inf=1\n"
             "names  string  [2]\n  [\"a\" 0xff]\n");
  std::ostringstream json;
  BOOST_REQUIRE_EQUAL(RunPrint({.path = prefix, .names = {"dense/bias", "names"}, .json = true}, json, err), kExitOk);
  const auto doc = nlohmann::json::parse(json.str());
  BOOST_TEST(doc["tensors"][0]["values"].dump() == "[\"NaN\",\"Infinity\"]");
  BOOST_TEST(doc["tensors"][1]["values"].dump() == "[\"a\",{\"hex\":\"ff\"}]");
  std::ostringstream none;
  std::ostringstream none_err;
  BOOST_TEST(RunPrint({.path = prefix, .names = {"nope"}, .json = false}, none, none_err) == kExitError);
  BOOST_TEST(IsErrorLine(none_err.str(), "ckpt_tool", "NOT_FOUND"), none_err.str());
  BOOST_TEST(Contains(none_err.str(), "Key nope not found in checkpoint"));
}

BOOST_AUTO_TEST_CASE(DiffExitCodeSaysWhetherValuesDiffer) {
  TempDir a_dir, b_dir;
  const std::string a = Save(a_dir, 1, 1);
  const std::string b = Save(b_dir, 1, 1.01f);
  std::ostringstream out, err;
  BOOST_TEST(RunDiff({.a = a, .b = a, .json = false, .atol = 0, .rtol = 0}, out, err) == kExitOk);
  BOOST_TEST(RunDiff({.a = a, .b = b, .json = false, .atol = 0, .rtol = 0}, out, err) == kExitCheckFailed);
  BOOST_TEST(Contains(out.str(), "values differ: dense/kernel"));
  BOOST_TEST(RunDiff({.a = a, .b = b, .json = false, .atol = 0, .rtol = 0.02}, out, err) == kExitOk);
  std::ostringstream json;
  BOOST_TEST(RunDiff({.a = a, .b = b, .json = true, .atol = 0, .rtol = 0}, json, err) == kExitCheckFailed);
  const auto doc = nlohmann::json::parse(json.str());
  const auto& kernel = doc["compared"][1];
  BOOST_TEST(kernel["name"].get<std::string>() == "dense/kernel");
  BOOST_TEST(kernel["max_abs_diff"].get<double>() == 0.08, boost::test_tools::tolerance(1e-5));
  BOOST_TEST(RunDiff({.a = a, .b = a_dir.file("missing"), .json = false, .atol = 0, .rtol = 0}, out, err) ==
             kExitError);
}

BOOST_AUTO_TEST_CASE(ValidateNamesFirstBadTensor) {
  TempDir dir;
  const std::string prefix = Save(dir, 3, 1);
  std::ostringstream out, err;
  BOOST_REQUIRE_EQUAL(RunValidate({.path = dir.path()}, out, err), kExitOk);
  BOOST_TEST(out.str().find("OK " + prefix + ": 4 tensors") == 0u);
  const std::string data_path = DataFileName(prefix, 0, 1);
  std::string data = ReadAll(data_path);
  data[data.size() - 1] ^= 1;  // last tensor added: global_step
  WriteAll(data_path, data);
  std::ostringstream bad_out, bad_err;
  BOOST_TEST(RunValidate({.path = prefix}, bad_out, bad_err) == kExitCheckFailed);
  BOOST_TEST(Contains(bad_err.str(), "key global_step"), bad_err.str());
  BOOST_TEST(RunValidate({.path = dir.file("nothing")}, bad_out, bad_err) == kExitError);
}

BOOST_AUTO_TEST_CASE(HistoryListsStateFile) {
  TempDir dir;
  Save(dir, 10, 1);
  Save(dir, 20, 1);
  std::ostringstream out, err;
  BOOST_REQUIRE_EQUAL(RunHistory({.dir = dir.path(), .json = true}, out, err), kExitOk);
  const auto doc = nlohmann::json::parse(out.str());
  BOOST_REQUIRE_EQUAL(doc["checkpoints"].size(), 2u);
  BOOST_TEST(doc["checkpoints"][0]["step"].get<int64_t>() == 10);
  BOOST_TEST(doc["checkpoints"][1]["latest"].get<bool>());
  BOOST_TEST(doc["checkpoints"][1]["bytes"].get<int64_t>() > 0);
  BOOST_TEST(RunHistory({.dir = dir.file("none"), .json = false}, out, err) == kExitError);
}

BOOST_AUTO_TEST_CASE(UsageErrorsExitOneWithAnErrorLine) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {}, {"nope"}, {"list"}, {"list", "x", "--bogus"}, {"diff", "a", "b", "--atol", "-1"}}) {
    const CommandLine run = Run(args);
    BOOST_TEST(run.code == kExitUsage);
    BOOST_TEST(IsErrorLine(run.err, "ckpt_tool", "INVALID_ARGUMENT"), run.err);
    BOOST_TEST(run.out.empty());
  }
  BOOST_TEST(
      Run({"diff", "a", "b", "--rtol", "x"}).err ==
      "ckpt_tool: INVALID_ARGUMENT: --rtol must be a non-negative number, got x (see 'ckpt_tool diff --help')\n");
  const CommandLine version = Run({"--version"});
  BOOST_TEST(version.code == kExitOk);
  BOOST_TEST(version.out.rfind("ckpt_tool ", 0) == 0u, version.out);
}

BOOST_AUTO_TEST_CASE(BadInputExitsTwoWithAnErrorLine) {
  TempDir dir;
  for (const char* command : {"list", "print", "validate", "history"}) {
    const CommandLine run = Run({command, dir.file("missing")});
    BOOST_TEST(run.code == kExitError, command);
    BOOST_TEST(IsErrorLine(run.err, "ckpt_tool", "NOT_FOUND"), run.err);
  }
}

BOOST_AUTO_TEST_CASE(JsonOfEveryTableCommandHasTheDocumentedKeys) {
  TempDir dir;
  const std::string a = Save(dir, 1, 1);
  const std::string b = Save(dir, 2, 2);
  const auto json = [](const std::vector<std::string>& args, int code = kExitOk) {
    const CommandLine run = Run(args);
    BOOST_TEST(run.code == code, run.err);
    return nlohmann::json::parse(run.out);
  };
  const auto list = json({"list", dir.path(), "--json"});
  BOOST_TEST(Keys(list) == (KeySet{"checkpoint", "num_shards", "tensors", "total_tensors", "total_bytes"}));
  BOOST_TEST(Keys(list["tensors"][0]) == (KeySet{"name", "dtype", "shape", "bytes", "partitioned"}));

  const auto print = json({"print", b, "--json"});
  BOOST_TEST(Keys(print) == (KeySet{"checkpoint", "tensors"}));
  BOOST_TEST(Keys(print["tensors"][0]) == (KeySet{"name", "dtype", "shape", "values", "stats"}));
  BOOST_TEST(Keys(print["tensors"][0]["stats"]) == (KeySet{"min", "max", "mean", "std", "nan", "inf"}));
  BOOST_TEST(Keys(print["tensors"][3]) == (KeySet{"name", "dtype", "shape", "values"}));  // strings: no stats

  const auto diff = json({"diff", a, b, "--json"}, kExitCheckFailed);
  BOOST_TEST(Keys(diff) == (KeySet{"a", "b", "equal", "only_in_a", "only_in_b", "changed", "compared"}));
  BOOST_TEST(Keys(diff["compared"][1]) == (KeySet{"name", "equal", "max_abs_diff", "mean_abs_diff", "rel_l2"}));

  const auto history = json({"history", dir.path(), "--json"});
  BOOST_TEST(Keys(history) == (KeySet{"directory", "latest", "checkpoints"}));
  BOOST_TEST(Keys(history["checkpoints"][0]) ==
             (KeySet{"path", "step", "latest", "timestamp", "time", "bytes", "exists"}));
}

BOOST_AUTO_TEST_CASE(NonFiniteNumbersAreNaNAndInfinityInTextAndJson) {
  TempDir a_dir, b_dir;
  const auto save = [](const TempDir& dir, std::vector<double> values) {
    auto m = CheckpointManager::Create(dir.path());
    BOOST_REQUIRE(m.ok());
    auto prefix = (*m)->Save(1, {{"x", Tensor::FromVector<double>(DataType::kDouble, {3}, values)}});
    BOOST_REQUIRE(prefix.ok());
    return *prefix;
  };
  const std::string a = save(a_dir, {NAN, INFINITY, -INFINITY});
  const std::string b = save(b_dir, {NAN, 0, 0});
  const CommandLine text = Run({"print", a});
  BOOST_TEST(Contains(text.out, "[NaN Infinity -Infinity]"), text.out);
  const CommandLine json = Run({"print", a, "--json"});
  BOOST_TEST(nlohmann::json::parse(json.out)["tensors"][0]["values"].dump() == R"(["NaN","Infinity","-Infinity"])");
  // ||b|| is 0 and a differs: the relative L2 distance is infinite.
  const CommandLine diff = Run({"diff", a, b, "--json"});
  BOOST_TEST(nlohmann::json::parse(diff.out)["compared"][0]["rel_l2"].dump() == R"("Infinity")", diff.out);
  BOOST_TEST(Contains(Run({"diff", a, b}).out, "rel_l2=Infinity"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::ckpt_tool
