// SPDX-License-Identifier: Apache-2.0
// summary_demo LOGDIR: writes every kind of summary TensorBoard shows, with
// known values, then closes. `tensorboard --logdir LOGDIR` shows them; the
// interop test tests/interop/test_summary_tensorboard.py checks each one.
//
// Runs and values (i, x, y, r, c, k count from 0):
//
//   LOGDIR/train
//     SessionLog START at step 0; SessionLog CHECKPOINT "model.ckpt-99" at 99
//     scalar  loss          simple_value 1 / (1 + step), steps 0..99
//     scalar  accuracy      tensor form  step / 100,     steps 0..99
//     histo   weights       30 TensorBoard buckets of step + i / 1000,
//                           i = 0..999, steps 0..4
//     histo   activations   HistogramProto (TF buckets) of sin(i), i = 0..99,
//                           step 0
//     image   gradient      8x16 RGB uint8, pixel (y, x) = (16x, 32y, 128), step 0
//     image   batch         3 gray 4x4 uint8, image k pixel (y, x) = 80k + 4y + x,
//                           step 0
//     image   float_image   4x4 gray float (4y + x) / 15, step 0
//     audio   tone          440 Hz sine, amplitude 0.5, 8000 Hz mono,
//                           2000 frames, step 0
//     text    notes         "**hello** from tfcompat", step 0
//     text    table         2x2 table [["a", "b"], ["c", "d"]], step 0
//     graph                 x: Placeholder, w: Const, y: MatMul(x, w),
//                           producer 22
//     pr      pr_curve      labels i % 3 != 0, predictions i / 99, i = 0..99,
//                           11 thresholds, step 0
//     embedding points      5x3, value (r, c) = 3r + c, labels p0..p4, step 0
//                           (files under LOGDIR/train/00000/points/)
//     custom scalars layout category "losses", chart "loss" over "loss.*"
//     hparams experiment    hparams lr {0.1, 0.01}, optimizer {"sgd",
//                           "adam"}; metric "metric/accuracy"
//   LOGDIR/session_a, LOGDIR/session_b
//     hparams session start lr 0.1 / 0.01, optimizer "sgd" / "adam"; end
//                           SUCCESS
//     scalar  metric/accuracy  0.5 + step / 20 (a) and 0.4 + step / 20 (b),
//                              steps 0..9
#include <cmath>
#include <cstdint>
#include <iostream>
#include <numbers>
#include <string>
#include <string_view>
#include <vector>

#include "tfcompat/summary/summary_writer.h"

namespace {

using tfcompat::Status;
using tfcompat::SummaryWriter;

#define DEMO_CHECK(expr)                                      \
  do {                                                        \
    const Status _s = (expr);                                 \
    if (!_s.ok()) {                                           \
      std::cerr << "summary_demo: " << _s.ToString() << "\n"; \
      return _s;                                              \
    }                                                         \
  } while (0)

Status WriteImages(SummaryWriter& w) {
  std::vector<uint8_t> rgb(8 * 16 * 3);
  for (int y = 0; y < 8; ++y) {
    for (int x = 0; x < 16; ++x) {
      uint8_t* p = &rgb[static_cast<size_t>((y * 16 + x) * 3)];
      p[0] = static_cast<uint8_t>(16 * x);
      p[1] = static_cast<uint8_t>(32 * y);
      p[2] = 128;
    }
  }
  DEMO_CHECK(w.AddImage("gradient", tfcompat::ImageU8{8, 16, 3, rgb}, 0));

  std::vector<std::vector<uint8_t>> grays(3, std::vector<uint8_t>(16));
  std::vector<tfcompat::ImageU8> batch;
  for (int k = 0; k < 3; ++k) {
    for (int i = 0; i < 16; ++i) grays[k][i] = static_cast<uint8_t>(80 * k + i);
    batch.push_back(tfcompat::ImageU8{4, 4, 1, grays[k]});
  }
  DEMO_CHECK(w.AddImages("batch", batch, 0));

  std::vector<float> gray(16);
  for (int i = 0; i < 16; ++i) gray[i] = static_cast<float>(i) / 15.0f;
  return w.AddImage("float_image", tfcompat::ImageF32{4, 4, 1, gray}, 0);
}

// The demo graph's GraphDef, encoded field by field in protobuf's wire
// format, so the example needs only tfcompat's public headers and no
// generated message class. Field numbers are those of TensorFlow's
// graph.proto, node_def.proto and versions.proto.
void AppendVarint(uint64_t value, std::string& out) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

// A length-delimited field (wire type 2): a string or a nested message.
void AppendBytesField(int number, std::string_view bytes, std::string& out) {
  AppendVarint(static_cast<uint64_t>(number) << 3 | 2, out);
  AppendVarint(bytes.size(), out);
  out.append(bytes);
}

// NodeDef: name = 1, op = 2, input = 3.
std::string NodeDef(std::string_view name, std::string_view op, const std::vector<std::string_view>& inputs) {
  std::string node;
  AppendBytesField(1, name, node);
  AppendBytesField(2, op, node);
  for (std::string_view input : inputs) AppendBytesField(3, input, node);
  return node;
}

Status WriteGraph(SummaryWriter& w) {
  // GraphDef: node = 1, versions = 4 (VersionDef: producer = 1, a varint).
  std::string graph;
  AppendBytesField(1, NodeDef("x", "Placeholder", {}), graph);
  AppendBytesField(1, NodeDef("w", "Const", {}), graph);
  AppendBytesField(1, NodeDef("y", "MatMul", {"x", "w"}), graph);
  std::string versions;
  AppendVarint(1 << 3, versions);  // field 1, wire type 0 (varint)
  AppendVarint(22, versions);
  AppendBytesField(4, versions, graph);
  return w.AddGraph(graph);
}

Status WriteTrain(const std::string& logdir) {
  auto created = SummaryWriter::Create(logdir + "/train");
  DEMO_CHECK(created.status());
  SummaryWriter& w = **created;
  DEMO_CHECK(w.AddSessionStart(0));
  for (int step = 0; step < 100; ++step) {
    DEMO_CHECK(w.AddScalar("loss", 1.0f / (1.0f + static_cast<float>(step)), step));
    DEMO_CHECK(w.AddScalarTensor("accuracy", static_cast<float>(step) / 100.0f, step));
  }
  for (int step = 0; step < 5; ++step) {
    std::vector<double> values(1000);
    for (int i = 0; i < 1000; ++i) values[i] = step + i / 1000.0;
    DEMO_CHECK(w.AddHistogram("weights", values, step));
  }
  std::vector<double> activations(100);
  for (int i = 0; i < 100; ++i) activations[i] = std::sin(static_cast<double>(i));
  DEMO_CHECK(w.AddHistogram("activations", tfcompat::HistogramData::FromValues(activations), 0));
  DEMO_CHECK(WriteImages(w));

  std::vector<float> tone(2000);
  for (int i = 0; i < 2000; ++i) {
    tone[i] = 0.5f * static_cast<float>(std::sin(2 * std::numbers::pi * 440.0 * i / 8000.0));
  }
  DEMO_CHECK(w.AddAudio("tone", tone, 1, 8000, 0));
  DEMO_CHECK(w.AddText("notes", "**hello** from tfcompat", 0));
  const std::vector<std::string> cells = {"a", "b", "c", "d"};
  DEMO_CHECK(w.AddTextTable("table", 2, 2, cells, 0));
  DEMO_CHECK(WriteGraph(w));

  std::vector<uint8_t> labels(100);
  std::vector<float> predictions(100);
  for (int i = 0; i < 100; ++i) {
    labels[i] = i % 3 != 0;
    predictions[i] = static_cast<float>(i) / 99.0f;
  }
  DEMO_CHECK(w.AddPrCurve("pr_curve", labels, predictions, 0, 11));

  std::vector<float> points(15);
  for (int i = 0; i < 15; ++i) points[i] = static_cast<float>(i);
  const std::vector<std::string> names = {"p0", "p1", "p2", "p3", "p4"};
  DEMO_CHECK(w.AddEmbedding("points", 5, 3, points, 0, names));

  tfcompat::CustomScalarLayout layout;
  layout.categories.push_back({"losses", {{"loss", {"loss.*"}}}, false});
  DEMO_CHECK(w.AddCustomScalarsLayout(layout));

  tfcompat::HParamsExperiment experiment;
  experiment.hparams.push_back({"lr", "learning rate", "", {0.1, 0.01}});
  experiment.hparams.push_back({"optimizer", "", "", {std::string("sgd"), std::string("adam")}});
  experiment.metrics.push_back({"metric/accuracy", "", "accuracy", ""});
  DEMO_CHECK(w.AddHParamsExperiment(experiment));
  DEMO_CHECK(w.AddCheckpoint("model.ckpt-99", 99));
  return w.Close();
}

Status WriteSession(const std::string& run_dir, double lr, const std::string& optimizer, float base) {
  auto created = SummaryWriter::Create(run_dir);
  DEMO_CHECK(created.status());
  SummaryWriter& w = **created;
  DEMO_CHECK(w.AddHParamsSessionStart({{"lr", lr}, {"optimizer", optimizer}}));
  for (int step = 0; step < 10; ++step) {
    DEMO_CHECK(w.AddScalar("metric/accuracy", base + static_cast<float>(step) / 20.0f, step));
  }
  DEMO_CHECK(w.AddHParamsSessionEnd(tfcompat::HParamsSessionStatus::kSuccess));
  return w.Close();
}

}  // namespace

constexpr char kUsage[] =
    "usage: summary_demo LOGDIR\n"
    "Writes every kind of summary TensorBoard shows, with known values, into LOGDIR/train,\n"
    "LOGDIR/session_a and LOGDIR/session_b (created if missing); then run\n"
    "  tensorboard --logdir LOGDIR\n";

int main(int argc, char** argv) {
  // The tools' conventions, by hand (an example uses only the library):
  // --help prints the usage and exits 0; anything else but one LOGDIR
  // (which may not start with '-': write ./-dir) is a usage error, exit 1.
  const std::string arg = argc > 1 ? argv[1] : "";
  if (argc == 2 && (arg == "--help" || arg == "-h")) {
    std::cout << kUsage;
    return 0;
  }
  if (argc != 2 || arg.empty() || arg[0] == '-') {
    std::cerr << "summary_demo: INVALID_ARGUMENT: " << (argc != 2 ? "expected one LOGDIR" : "unknown flag " + arg)
              << " (see 'summary_demo --help')\n";
    return 1;
  }
  const std::string logdir = arg;
  if (!WriteTrain(logdir).ok() || !WriteSession(logdir + "/session_a", 0.1, "sgd", 0.5f).ok() ||
      !WriteSession(logdir + "/session_b", 0.01, "adam", 0.4f).ok()) {
    return 2;
  }
  std::cout << "wrote " << logdir << "\n";
  return 0;
}
