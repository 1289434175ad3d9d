// SPDX-License-Identifier: Apache-2.0
// saved_model_tool show: its text equals what TF 2.15's saved_model_cli
// show prints for SavedModels TF wrote (tests/testdata/saved_model_cli
// holds that output), its ordering and quoting rules on hand-made models,
// JSON, a SavedModel our Estimator exports, the errors and the command line.
#include <boost/test/unit_test.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "command_line.h"
#include "commands.h"
#include "util/saved_models.h"
#include "util/temp_dir.h"
#include "util/text.h"

namespace tfcompat::saved_model_tool {
namespace {

using testing::CommandLine;
using testing::Contains;
using testing::IsErrorLine;
using testing::ReadAll;
using testing::RunCommandLine;
using testing::TempDir;
using testing::TfServingModel;
using testing::WriteAll;

// saved_model_cli's output for a model of tests/testdata (see its README).
std::string SavedModelCliOutput(const std::string& name) {
  return ReadAll(std::string(TFCOMPAT_TESTDATA) + "/saved_model_cli/" + name + ".txt");
}

struct Shown {
  int code;
  std::string out;
  std::string err;
};

Shown Show(const ShowOptions& options) {
  std::ostringstream out, err;
  const int code = RunShow(options, out, err);
  return {code, out.str(), err.str()};
}

std::vector<std::string> LinesStartingWith(const std::string& text, const std::string& start) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with(start)) lines.push_back(line);
  }
  return lines;
}

BOOST_AUTO_TEST_CASE(show_all_prints_what_saved_model_cli_prints_for_models_tf_wrote) {
  const std::map<std::string, std::string> models = {{"half_plus_two_cpu", TfServingModel("half_plus_two_cpu")},
                                                     {"half_plus_two_tf2_cpu", TfServingModel("half_plus_two_tf2_cpu")},
                                                     {"half_plus_two_mkl", TfServingModel("half_plus_two_mkl")},
                                                     {"half_plus_three", TfServingModel("half_plus_three")},
                                                     {"counter", TfServingModel("counter")},
                                                     {"estimator_basics", testing::EstimatorBasicsModel()}};
  for (const auto& [name, dir] : models) {
    const Shown shown = Show({.dir = dir, .all = true});
    BOOST_TEST(shown.code == cli::kExitOk, name);
    BOOST_TEST(shown.out == SavedModelCliOutput(name + ".all"), name);
  }
}

BOOST_AUTO_TEST_CASE(show_without_all_prints_tag_sets_signature_keys_or_one_signature_as_saved_model_cli) {
  const std::string dir = TfServingModel("half_plus_two_cpu");
  BOOST_TEST(Show({.dir = dir}).out == SavedModelCliOutput("half_plus_two_cpu"));
  BOOST_TEST(Show({.dir = dir, .tag_set = "serve"}).out == SavedModelCliOutput("half_plus_two_cpu.serve"));
  BOOST_TEST(Show({.dir = dir, .tag_set = "serve", .signature_def = "classify_x_to_y"}).out ==
             SavedModelCliOutput("half_plus_two_cpu.serve.classify_x_to_y"));
}

BOOST_AUTO_TEST_CASE(tag_sets_sort_by_stored_tags_and_print_as_python_does) {
  TempDir dir;
  testing::WriteTaggedSavedModel(dir.path(), {{"train"}, {"serve", "gpu"}, {"it's"}});
  // The listing sorts each tag set's tags and quotes it as Python's repr().
  BOOST_TEST(Show({.dir = dir.path()}).out ==
             "The given SavedModel contains the following tag-sets:\n\"it's\"\n'gpu, serve'\n'train'\n");
  // --all keeps each tag set's stored order; a graph without nodes uses no ops.
  const std::string all = Show({.dir = dir.path(), .all = true}).out;
  BOOST_TEST(
      LinesStartingWith(all, "MetaGraphDef with") ==
          (std::vector<std::string>{"MetaGraphDef with tag-set: 'it's' contains the following SignatureDefs:",
                                    "MetaGraphDef with tag-set: 'serve, gpu' contains the following SignatureDefs:",
                                    "MetaGraphDef with tag-set: 'train' contains the following SignatureDefs:"}),
      boost::test_tools::per_element());
  BOOST_TEST(
      LinesStartingWith(all, "The MetaGraph with") ==
          (std::vector<std::string>{"The MetaGraph with tag set [\"it's\"] contains the following ops: set()",
                                    "The MetaGraph with tag set ['serve', 'gpu'] contains the following ops: set()",
                                    "The MetaGraph with tag set ['train'] contains the following ops: set()"}),
      boost::test_tools::per_element());
  BOOST_TEST(Show({.dir = dir.path(), .tag_set = "gpu,serve"}).out ==
             "The given SavedModel MetaGraphDef contains SignatureDefs with the following keys:\n"
             "SignatureDef key: \"serving_default\"\n");
}

BOOST_AUTO_TEST_CASE(json_holds_what_all_shows_restricted_to_the_tag_set_and_signature) {
  const std::string dir = TfServingModel("half_plus_two_cpu");
  const Shown one = Show({.dir = dir, .tag_set = "serve", .signature_def = "classify_x_to_y", .json = true});
  BOOST_TEST_REQUIRE(one.code == cli::kExitOk);
  const auto doc = nlohmann::json::parse(one.out);
  BOOST_TEST(doc["file"].get<std::string>() == dir + "/saved_model.pb");
  BOOST_TEST_REQUIRE(doc["meta_graphs"].size() == 1u);
  const auto& serve = doc["meta_graphs"][0];
  BOOST_TEST(serve["tags"].dump() == "[\"serve\"]");
  BOOST_TEST(serve["tensorflow_version"].get<std::string>() == "1.14.0");
  BOOST_TEST(serve["signatures"].size() == 1u);
  const auto& classify = serve["signatures"]["classify_x_to_y"];
  BOOST_TEST(classify["method_name"].get<std::string>() == "tensorflow/serving/classify");
  BOOST_TEST(classify["inputs"]["inputs"].dump() == R"({"dtype":"DT_STRING","name":"tf_example:0","shape":null})");
  BOOST_TEST(classify["outputs"]["scores"].dump() == R"({"dtype":"DT_FLOAT","name":"y:0","shape":[-1,1]})");

  const auto all = nlohmann::json::parse(Show({.dir = TfServingModel("counter"), .json = true}).out);
  const auto& counter = all["meta_graphs"][0];
  BOOST_TEST(counter["signatures"].size() == 4u);
  BOOST_TEST(counter["signatures"]["get_counter"]["outputs"]["output"]["dtype"].get<std::string>() == "DT_FLOAT_REF");
  BOOST_TEST(counter["signatures"]["get_counter"]["outputs"]["output"]["shape"].dump() == "[]");
  BOOST_TEST(counter["ops"].dump() ==
             R"(["Assign","AssignAdd","Const","Identity","MergeV2Checkpoints","NoOp","Pack","Placeholder",)"
             R"("RestoreV2","SaveV2","ShardedFilename","StringJoin","VariableV2"])");
}

BOOST_AUTO_TEST_CASE(show_all_of_our_estimator_export_lists_tf_canned_signatures) {
  TempDir dir;
  const std::string exported = testing::ExportIrisClassifier(dir);
  const Shown shown = Show({.dir = exported, .all = true});
  BOOST_TEST_REQUIRE(shown.code == cli::kExitOk);
  BOOST_TEST(LinesStartingWith(shown.out, "signature_def[") ==
                 (std::vector<std::string>{"signature_def['classification']:", "signature_def['predict']:",
                                           "signature_def['serving_default']:"}),
             boost::test_tools::per_element());
  BOOST_TEST(Contains(shown.out, R"(signature_def['serving_default']:
  The given SavedModel SignatureDef contains the following input(s):
    inputs['inputs'] tensor_info:
        dtype: DT_STRING
        shape: (-1)
        name: input_example_tensor:0
  The given SavedModel SignatureDef contains the following output(s):
    outputs['classes'] tensor_info:
        dtype: DT_STRING
        shape: (-1, 3)
        name: dnn/head/Tile:0
    outputs['scores'] tensor_info:
        dtype: DT_FLOAT
        shape: (-1, 3)
        name: dnn/head/predictions/probabilities:0
  Method name is: tensorflow/serving/classify
)"));
  BOOST_TEST(Show({.dir = exported}).out == "The given SavedModel contains the following tag-sets:\n'serve'\n");
}

BOOST_AUTO_TEST_CASE(unknown_tag_set_or_signature_exits_2_naming_those_that_exist) {
  const std::string dir = TfServingModel("half_plus_three");
  const Shown no_tag = Show({.dir = dir, .tag_set = "gpu"});
  BOOST_TEST(no_tag.code == cli::kExitError);
  BOOST_TEST(no_tag.out.empty());
  BOOST_TEST(no_tag.err ==
             "saved_model_tool: NOT_FOUND: MetaGraphDef associated with tag-set 'gpu' could not be "
             "found in " +
                 dir + "/saved_model.pb; it has the tag-sets 'serve'\n");
  const Shown no_signature = Show({.dir = dir, .tag_set = "serve", .signature_def = "predict", .json = true});
  BOOST_TEST(no_signature.code == cli::kExitError);
  BOOST_TEST(no_signature.out.empty());
  BOOST_TEST(Contains(no_signature.err, "saved_model_tool: NOT_FOUND: Could not find signature \"predict\""));
  BOOST_TEST(Contains(no_signature.err, "it has \"serving_default\", \"tensorflow/serving/regress\"\n"));
}

BOOST_AUTO_TEST_CASE(missing_or_damaged_saved_model_exits_2_naming_the_file) {
  TempDir dir;
  const Shown missing = Show({.dir = dir.file("nope")});
  BOOST_TEST(missing.code == cli::kExitError);
  BOOST_TEST(missing.err ==
             "saved_model_tool: NOT_FOUND: SavedModel directory " + dir.file("nope") + " does not exist\n");
  const Shown empty_dir = Show({.dir = dir.path(), .all = true});
  BOOST_TEST(empty_dir.code == cli::kExitError);
  BOOST_TEST(Contains(empty_dir.err, "saved_model_tool: NOT_FOUND: SavedModel file does not exist at: "));
  const std::string contents = ReadAll(TfServingModel("half_plus_three") + "/saved_model.pb");
  WriteAll(dir.file("saved_model.pb"), contents.substr(0, contents.size() / 2));
  const Shown truncated = Show({.dir = dir.path(), .all = true});
  BOOST_TEST(truncated.code == cli::kExitError);
  BOOST_TEST(truncated.out.empty());
  BOOST_TEST(Contains(truncated.err, "saved_model_tool: DATA_LOSS: " + dir.file("saved_model.pb") +
                                         ": not a SavedModel proto (4329 bytes; truncated or corrupt)\n"));
}

BOOST_AUTO_TEST_CASE(dir_is_positional_or_given_by_dash_dash_dir_as_in_saved_model_cli) {
  const std::string dir = TfServingModel("half_plus_two_cpu");
  const CommandLine positional = RunCommandLine(SetupCommands, {"show", dir, "--tag_set", "serve"});
  BOOST_TEST(positional.code == cli::kExitOk);
  BOOST_TEST(positional.out == SavedModelCliOutput("half_plus_two_cpu.serve"));
  const CommandLine flag =
      RunCommandLine(SetupCommands, {"show", "--dir", dir, "--tag_set", "serve", "--signature_def", "classify_x_to_y"});
  BOOST_TEST(flag.code == cli::kExitOk);
  BOOST_TEST(flag.out == SavedModelCliOutput("half_plus_two_cpu.serve.classify_x_to_y"));
}

BOOST_AUTO_TEST_CASE(contradictory_or_incomplete_flags_are_usage_errors) {
  const std::string dir = TfServingModel("half_plus_two_cpu");
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"show", dir, "--signature_def", "serving_default"},
                                             {"show", dir, "--all", "--tag_set", "serve"},
                                             {"show", dir, "--all", "--signature_def", "serving_default"},
                                             {"show"},
                                             {},
                                             {"run", dir}}) {
    const CommandLine run = RunCommandLine(SetupCommands, args);
    BOOST_TEST(run.code == cli::kExitUsage);
    BOOST_TEST(IsErrorLine(run.err, "saved_model_tool", "INVALID_ARGUMENT"), run.err);
    BOOST_TEST(run.out.empty());
  }
  const CommandLine version = RunCommandLine(SetupCommands, {"--version"});
  BOOST_TEST(version.code == cli::kExitOk);
  BOOST_TEST(version.out.starts_with("saved_model_tool "), version.out);
}

BOOST_AUTO_TEST_CASE(bad_input_is_one_error_line_and_exit_2) {
  TempDir dir;
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"show", dir.file("missing")},
           {"show", TfServingModel("counter"), "--tag_set", "gpu"},
           {"show", TfServingModel("counter"), "--tag_set", "serve", "--signature_def", "nope", "--json"}}) {
    const CommandLine run = RunCommandLine(SetupCommands, args);
    BOOST_TEST(run.code == cli::kExitError);
    BOOST_TEST(IsErrorLine(run.err, "saved_model_tool", "NOT_FOUND"), run.err);
    BOOST_TEST(run.out.empty());
  }
}

}  // namespace
}  // namespace tfcompat::saved_model_tool
