// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/estimator/run_config.h"

#include <boost/test/unit_test.hpp>

namespace tfcompat::estimator {
namespace {

BOOST_AUTO_TEST_SUITE(RunConfigTest)

BOOST_AUTO_TEST_CASE(RunConfigDefaultsAreTFs) {
  const RunConfig config;
  BOOST_TEST(config.save_summary_steps == 100);
  BOOST_TEST(config.keep_checkpoint_max == 5);
  BOOST_TEST(config.keep_checkpoint_every_n_hours == 10000.0);
  BOOST_TEST(config.log_step_count_steps == 100);
  BOOST_TEST(!config.tf_random_seed.has_value());
  BOOST_TEST(config.Validate().ok());
  BOOST_TEST(*config.checkpoint_schedule().secs == 600.0);
  BOOST_TEST(!config.checkpoint_schedule().steps.has_value());
}

BOOST_AUTO_TEST_CASE(RunConfigValidationHasTFsMessages) {
  RunConfig config;
  config.save_checkpoints_steps = 100;
  BOOST_TEST(config.Validate().ok());
  BOOST_TEST(*config.checkpoint_schedule().steps == 100);
  BOOST_TEST(!config.checkpoint_schedule().secs.has_value());
  config.save_checkpoints_secs = 60;
  const Status both = config.Validate();
  BOOST_TEST((both.code() == StatusCode::kInvalidArgument));
  BOOST_TEST(both.message() == "`save_checkpoints_steps` and `save_checkpoints_secs` cannot be both set.");
  config = RunConfig();
  config.keep_checkpoint_max = -1;
  BOOST_TEST(config.Validate().message() == "keep_checkpoint_max should be >= 0");
  config = RunConfig();
  config.keep_checkpoint_every_n_hours = 0;
  BOOST_TEST(config.Validate().message() == "keep_checkpoint_every_n_hours should be > 0");
  config = RunConfig();
  config.log_step_count_steps = 0;
  BOOST_TEST(config.Validate().message() == "log_step_count_steps should be > 0");
  config = RunConfig();
  config.save_summary_steps = -1;
  BOOST_TEST(config.Validate().message() == "save_summary_steps should be >= 0");
}

BOOST_AUTO_TEST_CASE(TfConfigSetsTheTask) {
  RunConfig config;
  BOOST_REQUIRE(config
                    .SetTaskFromTfConfig(R"({"cluster": {"chief": ["h0:2222"], "worker": ["h1:2222", "h2:2222"]},
                                             "task": {"type": "worker", "index": 1}})")
                    .ok());
  BOOST_TEST(config.task_type == "worker");
  BOOST_TEST(config.task_id == 1);
  // The evaluator is no part of the cluster; TF reads a string index too.
  BOOST_REQUIRE(
      config.SetTaskFromTfConfig(R"({"cluster": {"chief": ["h0:2222"]}, "task": {"type": "evaluator", "index": "0"}})")
          .ok());
  BOOST_TEST(config.task_type == "evaluator");
  BOOST_TEST(config.task_id == 0);
  BOOST_REQUIRE(
      config.SetTaskFromTfConfig(R"({"cluster": {"master": ["h0:2222"]}, "task": {"type": "master", "index": 0}})")
          .ok());
  BOOST_TEST(config.task_type == "master");
  // No cluster: a local run.
  for (const char* local : {"{}", R"({"task": {"type": "worker", "index": 0}})"}) {
    BOOST_REQUIRE(config.SetTaskFromTfConfig(local).ok());
    BOOST_TEST(config.task_type.empty(), local);
    BOOST_TEST(config.task_id == 0);
  }
}

BOOST_AUTO_TEST_CASE(TfConfigErrorsHaveTFsMessages) {
  const auto error = [](const char* tf_config) {
    RunConfig config;
    config.task_type = "chief";
    const Status status = config.SetTaskFromTfConfig(tf_config);
    BOOST_TEST((status.code() == StatusCode::kInvalidArgument), tf_config);
    BOOST_TEST(config.task_type == "chief", "nothing set on error: " << tf_config);
    return status.message();
  };
  BOOST_TEST(error(R"({"task": {"type": "evaluator", "index": 0}})") ==
             "If \"cluster\" is not set in TF_CONFIG, task type must be WORKER.");
  BOOST_TEST(error(R"({"task": {"type": "worker", "index": 2}})") ==
             "If \"cluster\" is not set in TF_CONFIG, task index must be 0.");
  BOOST_TEST(error(R"({"cluster": {"worker": ["h1:2222"]}, "task": {"type": "worker", "index": 0}})") ==
             "If \"cluster\" is set in TF_CONFIG, it must have one \"chief\" node.");
  BOOST_TEST(error(R"({"cluster": {"chief": ["a:1", "b:1"]}, "task": {"type": "chief", "index": 0}})") ==
             "The \"cluster\" in TF_CONFIG must have only one \"chief\" node.");
  BOOST_TEST(error(R"({"cluster": {"chief": ["a:1"], "master": ["b:1"]}, "task": {"type": "chief", "index": 0}})") ==
             "If `master` node exists in `cluster`, job `chief` is not supported.");
  BOOST_TEST(error(R"({"cluster": {"chief": ["a:1"]}, "task": {"index": 0}})") ==
             "If \"cluster\" is set in TF_CONFIG, task type must be set.");
  BOOST_TEST(error(R"({"cluster": {"chief": ["a:1"]}, "task": {"type": "chief"}})") ==
             "If \"cluster\" is set in TF_CONFIG, task index must be set.");
  BOOST_TEST(error(R"({"cluster": {"chief": ["a:1"]}, "task": {"type": "chief", "index": -1}})") ==
             "Task index must be non-negative number.");
  BOOST_TEST(error(R"({"cluster": {"chief": ["a:1"]}, "task": {"type": "worker", "index": 0}})") ==
             "worker is not a valid task_type in the cluster_spec:\n{\"chief\":[\"a:1\"]}\n\n"
             "Note that these values may be coming from the TF_CONFIG environment variable.");
  BOOST_TEST(error(R"({"cluster": {"chief": ["a:1"], "worker": ["b:1"]}, "task": {"type": "worker", "index": 1}})") ==
             "1 is not a valid task_id for task_type worker in the cluster_spec:\n"
             "{\"chief\":[\"a:1\"],\"worker\":[\"b:1\"]}\n\n"
             "Note that these values may be coming from the TF_CONFIG environment variable.");
  // Not the shape TF_CONFIG has.
  BOOST_TEST(error("{cluster").rfind("TF_CONFIG: not valid JSON: {cluster (expected {\"cluster\": ", 0) == 0);
  BOOST_TEST(error("[]").rfind("TF_CONFIG: not a JSON object: []", 0) == 0);
  BOOST_TEST(
      error(R"({"cluster": {"chief": "a:1"}})").rfind("TF_CONFIG: job \"chief\" is not a list of addresses", 0) == 0);
  BOOST_TEST(error(R"({"cluster": {"chief": ["a:1"]}, "task": {"type": "chief", "index": "x"}})")
                 .rfind("TF_CONFIG: task index \"x\" is not an integer", 0) == 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::estimator
