// SPDX-License-Identifier: Apache-2.0
// LoadSummaryTables on small logdirs written event by event: the runs it
// finds, each kind's rows, and restarts purged as RunReader purges them.
// Against tbparse and TensorBoard: tests/interop/test_export_tbparse.py and
// test_python_read.py.
#include "summary/summary_tables.h"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include "tfcompat/tensorboard/hparams.pb.h"
#include "tfcompat/tensorflow/event.pb.h"
#include "util/events.h"
#include "util/temp_dir.h"
#include "util/test_print.h"
#include "util/text.h"

namespace tfcompat {
namespace {

using testing::Contains;
using testing::FileVersionEvent;
using testing::FramedEvents;
using testing::StartEvent;
using testing::TempDir;
using testing::WriteAll;

tensorflow::Event Scalar(int64_t step, const std::string& tag, float value) {
  tensorflow::Event e;
  e.set_step(step);
  e.set_wall_time(1000.0 + static_cast<double>(step));
  auto* v = e.mutable_summary()->add_value();
  v->set_tag(tag);
  v->set_simple_value(value);
  return e;
}

// A summary value of plugin `plugin` holding `tensor`.
tensorflow::Event PluginTensor(int64_t step, const std::string& tag, const std::string& plugin,
                               const tensorflow::TensorProto& tensor) {
  tensorflow::Event e;
  e.set_step(step);
  auto* v = e.mutable_summary()->add_value();
  v->set_tag(tag);
  v->mutable_metadata()->mutable_plugin_data()->set_plugin_name(plugin);
  *v->mutable_tensor() = tensor;
  return e;
}

tensorflow::Event Text(int64_t step, const std::string& tag, const std::vector<std::string>& cells) {
  tensorflow::TensorProto t;
  t.set_dtype(tensorflow::DT_STRING);
  for (const std::string& cell : cells) t.add_string_val(cell);
  return PluginTensor(step, tag, "text", t);
}

// The histograms plugin's tensor: buckets of [left, right, count].
tensorflow::Event HistogramTensor(int64_t step, const std::string& tag, const std::vector<double>& triples) {
  tensorflow::TensorProto t;
  t.set_dtype(tensorflow::DT_DOUBLE);
  t.mutable_tensor_shape()->add_dim()->set_size(static_cast<int64_t>(triples.size() / 3));
  t.mutable_tensor_shape()->add_dim()->set_size(3);
  for (double x : triples) t.add_double_val(x);
  return PluginTensor(step, tag, "histograms", t);
}

tensorflow::Event HParamsData(const std::string& tag, const tensorboard::hparams::HParamsPluginData& data) {
  tensorflow::Event e;
  auto* v = e.mutable_summary()->add_value();
  v->set_tag(tag);
  v->mutable_metadata()->mutable_plugin_data()->set_plugin_name("hparams");
  v->mutable_metadata()->mutable_plugin_data()->set_content(data.SerializeAsString());
  return e;
}

tensorflow::Event SessionStart() {
  tensorboard::hparams::HParamsPluginData data;
  auto& hparams = *data.mutable_session_start_info()->mutable_hparams();
  hparams["lr"].set_number_value(0.5);
  hparams["optimizer"].set_string_value("adam");
  hparams["deep"].set_bool_value(true);
  hparams["nothing"].set_null_value(google::protobuf::NULL_VALUE);
  return HParamsData("_hparams_/session_start_info", data);
}

tensorflow::Event Experiment(const std::string& group, const std::string& tag) {
  tensorboard::hparams::HParamsPluginData data;
  auto* name = data.mutable_experiment()->add_metric_infos()->mutable_name();
  name->set_group(group);
  name->set_tag(tag);
  return HParamsData("_hparams_/experiment", data);
}

// Writes `events` as the event file `name` of run `run` (made with its
// parents) under `logdir`.
void WriteRun(const TempDir& logdir, const std::string& run, const std::string& name,
              const std::vector<tensorflow::Event>& events) {
  const std::filesystem::path dir = std::filesystem::path(logdir.path()) / run;
  std::filesystem::create_directories(dir);
  WriteAll((dir / name).string(), FramedEvents({FileVersionEvent()}) + FramedEvents(events));
}

SummaryTables Load(const TempDir& logdir, const SummaryTablesOptions& options = {}) {
  SummaryTables tables;
  const Status s = LoadSummaryTables(logdir.path(), options, &tables);
  BOOST_TEST_REQUIRE(s.ok(), s.ToString());
  return tables;
}

std::vector<int64_t> Steps(const ScalarRows& rows) {
  std::vector<int64_t> steps;
  for (const ScalarRow& row : rows) steps.push_back(row.step);
  return steps;
}

BOOST_AUTO_TEST_CASE(KindNamesRoundTrip) {
  for (TableKind kind : kTableKinds) BOOST_TEST((TableKindFromName(TableKindName(kind)) == kind));
  BOOST_TEST(!TableKindFromName("images").has_value());
}

BOOST_AUTO_TEST_CASE(RunsAreTheDirectoriesHoldingEventFilesSortedByName) {
  TempDir logdir;
  WriteRun(logdir, "b/eval", "events.out.tfevents.1", {Scalar(1, "loss", 1)});
  WriteRun(logdir, ".", "events.out.tfevents.1", {Scalar(1, "loss", 1)});
  WriteRun(logdir, "a", "events.out.tfevents.1", {Scalar(1, "loss", 1)});
  std::filesystem::create_directories(std::filesystem::path(logdir.path()) / "empty");
  auto runs = FindRuns(logdir.path());
  BOOST_TEST_REQUIRE(runs.ok());
  BOOST_TEST(*runs == (std::vector<std::string>{".", "a", "b/eval"}), boost::test_tools::per_element());
  const SummaryTables tables = Load(logdir);
  BOOST_TEST_REQUIRE(tables.runs.size() == 3u);
  BOOST_TEST(tables.runs[2].name == "b/eval");
}

BOOST_AUTO_TEST_CASE(AMissingOrEmptyLogdirIsNotFound) {
  TempDir logdir;
  SummaryTables tables;
  Status s = LoadSummaryTables(logdir.file("missing"), {}, &tables);
  BOOST_TEST(s.code() == StatusCode::kNotFound);
  BOOST_TEST(Contains(s, "missing"));
  s = LoadSummaryTables(logdir.path(), {}, &tables);
  BOOST_TEST(s.code() == StatusCode::kNotFound);
  BOOST_TEST(Contains(s, "no event files found within logdir"));
}

BOOST_AUTO_TEST_CASE(ScalarsAreSortedByStepKeepingTiesInReadingOrder) {
  TempDir logdir;
  WriteRun(logdir, "run", "events.out.tfevents.1",
           {Scalar(3, "loss", 3), Scalar(1, "loss", 1), Scalar(3, "loss", 30), Scalar(2, "acc", 2)});
  const SummaryTables tables = Load(logdir);
  const RunTables& run = tables.runs.at(0);
  std::vector<std::string> tags;
  for (const auto& [tag, rows] : run.scalars) tags.push_back(tag);
  BOOST_TEST(tags == (std::vector<std::string>{"acc", "loss"}), boost::test_tools::per_element());
  for (const auto& [tag, rows] : run.scalars) {
    if (tag != "loss") continue;
    BOOST_TEST(Steps(rows) == (std::vector<int64_t>{1, 3, 3}), boost::test_tools::per_element());
    BOOST_TEST(rows.begin()[1].value == 3.0);
    BOOST_TEST(rows.begin()[2].value == 30.0);
    BOOST_TEST(rows.begin()[0].wall_time == 1001.0);
  }
}

BOOST_AUTO_TEST_CASE(OnlyTheKindsAskedForAreLoaded) {
  TempDir logdir;
  WriteRun(logdir, "run", "events.out.tfevents.1", {Scalar(1, "loss", 1), Text(1, "notes", {"hi"})});
  const SummaryTables tables = Load(logdir, {.kinds = {TableKind::kText}});
  BOOST_TEST(tables.runs.at(0).scalars.empty());
  BOOST_TEST(!tables.runs.at(0).text.empty());
}

BOOST_AUTO_TEST_CASE(HistogramTensorsAreConvertedAsTbparseDoes) {
  TempDir logdir;
  WriteRun(logdir, "run", "events.out.tfevents.1", {HistogramTensor(4, "w", {0, 1, 2, 1, 3, 5})});
  const SummaryTables tables = Load(logdir);
  for (const auto& [tag, rows] : tables.runs.at(0).histograms) {
    BOOST_TEST_REQUIRE(rows.size() == 1u);
    const HistogramRow& row = rows[0];
    BOOST_TEST(row.step == 4);
    BOOST_TEST(row.limits == (std::vector<double>{0, 1, 3}), boost::test_tools::per_element());
    BOOST_TEST(row.counts == (std::vector<double>{0, 2, 5}), boost::test_tools::per_element());
    BOOST_TEST(row.min == 0.0);
    BOOST_TEST(row.max == 3.0);
    BOOST_TEST(row.num == 7.0);
    BOOST_TEST(std::isnan(row.sum));
  }
}

BOOST_AUTO_TEST_CASE(AHistogramTensorOfAnotherShapeIsDataLossNamingTagAndStep) {
  TempDir logdir;
  WriteRun(logdir, "run", "events.out.tfevents.1", {HistogramTensor(4, "w", {0, 1})});
  SummaryTables tables;
  const Status s = LoadSummaryTables(logdir.path(), {}, &tables);
  BOOST_TEST(s.code() == StatusCode::kDataLoss);
  BOOST_TEST(Contains(s, "w at step 4"));
}

BOOST_AUTO_TEST_CASE(TextDropsTheTextSummarySuffixAndJoinsATablesCells) {
  TempDir logdir;
  WriteRun(logdir, "run", "events.out.tfevents.1",
           {Text(1, "notes/text_summary", {"hello"}), Text(2, "table", {"a", "b\""})});
  const SummaryTables tables = Load(logdir);
  std::vector<std::string> got;
  for (const auto& [tag, rows] : tables.runs.at(0).text) {
    for (const TextRow& row : rows) got.push_back(tag + "=" + row.value);
  }
  BOOST_TEST(got == (std::vector<std::string>{"notes=hello", "table=[\"a\",\"b\\\"\"]"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(HParamsAreTheFirstSessionStartsByName) {
  TempDir logdir;
  WriteRun(logdir, "trial", "events.out.tfevents.1", {SessionStart(), Scalar(1, "acc", 0.75f)});
  WriteRun(logdir, ".", "events.out.tfevents.1", {Experiment("", "acc")});
  const SummaryTables tables = Load(logdir);
  const std::vector<HParamRow>& hparams = tables.runs.at(1).hparams;
  BOOST_TEST_REQUIRE(hparams.size() == 4u);
  BOOST_TEST(hparams[0].name == "deep");
  BOOST_TEST(std::get<bool>(hparams[0].value));
  BOOST_TEST(std::get<double>(hparams[1].value) == 0.5);
  BOOST_TEST(std::holds_alternative<std::monostate>(hparams[2].value));
  BOOST_TEST(std::get<std::string>(hparams[3].value) == "adam");
  // The experiment (in the root run) names acc; the session's value is its
  // last one.
  BOOST_TEST_REQUIRE(tables.metric_rows.size() == 1u);
  BOOST_TEST(*tables.metric_rows[0].session == "trial");
  BOOST_TEST(tables.metric_rows[0].name->tag == "acc");
  BOOST_TEST(tables.metric_rows[0].value.value == 0.75);
}

BOOST_AUTO_TEST_CASE(ARestartPurgesTheOrphanedStepsUnlessToldOtherwise) {
  // The first START is the run's start; the one in the second file
  // restarts it at step 5, after steps 5..9 were returned: the single pass
  // is cut back and the run read again.
  TempDir logdir;
  std::vector<tensorflow::Event> first = {StartEvent(0)};
  for (int step = 0; step < 10; ++step) first.push_back(Scalar(step, "loss", static_cast<float>(step)));
  WriteRun(logdir, "run", "events.out.tfevents.1", first);
  WriteRun(logdir, "run", "events.out.tfevents.2", {StartEvent(5), Scalar(5, "loss", 105), Scalar(6, "loss", 106)});
  SummaryTables tables = Load(logdir);
  for (const auto& [tag, rows] : tables.runs.at(0).scalars) {
    BOOST_TEST(Steps(rows) == (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6}), boost::test_tools::per_element());
    BOOST_TEST(rows.end()[-1].value == 106.0);
  }
  tables = Load(logdir, {.purge_orphaned_data = false});
  for (const auto& [tag, rows] : tables.runs.at(0).scalars) BOOST_TEST(rows.size() == 12u);
}

BOOST_AUTO_TEST_CASE(ACorruptRecordIsDataLossNamingTheFile) {
  TempDir logdir;
  WriteRun(logdir, ".", "events.out.tfevents.1", {Scalar(1, "loss", 1)});
  const std::string path = logdir.file("events.out.tfevents.1");
  std::string bytes = testing::ReadAll(path);
  bytes[bytes.size() - 6] ^= 0x01;
  WriteAll(path, bytes);
  SummaryTables tables;
  const Status s = LoadSummaryTables(logdir.path(), {}, &tables);
  BOOST_TEST(s.code() == StatusCode::kDataLoss);
  BOOST_TEST(Contains(s, path));
}

}  // namespace
}  // namespace tfcompat
