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

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::estimator
