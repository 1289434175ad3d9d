# SPDX-License-Identifier: Apache-2.0
"""The summary_demo logdir through real TensorBoard 2.21: its own loading code
(plugin_event_accumulator with data_compat) and a real `tensorboard` server on
127.0.0.1 queried over its HTTP data API. Every tag of every kind must come
back with the values summary_demo documents in its header."""
import io
import json
import math
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import wave

import numpy as np
import pytest
from PIL import Image
from tensorboard.backend.event_processing import event_accumulator
from tensorboard.backend.event_processing import plugin_event_accumulator
from tensorboard.compat.proto import graph_pb2
from tensorboard.plugins.custom_scalar import layout_pb2
from tensorboard.plugins.histogram import summary_v2 as histogram_summary
from tensorboard.plugins.hparams import plugin_data_pb2
from tensorboard.util import tensor_util

from conftest import run

STEPS = range(100)


# --- The values summary_demo writes (see its header) -------------------------

def expected_loss(step):
    return np.float32(1.0) / (np.float32(1.0) + np.float32(step))


def expected_accuracy(step):
    return np.float32(step) / np.float32(100.0)


def weights_data(step):
    return [step + i / 1000.0 for i in range(1000)]


def gradient_pixels():
    y, x = np.mgrid[0:8, 0:16]
    return np.stack([16 * x, 32 * y, np.full_like(x, 128)], axis=-1).astype(np.uint8)


def batch_pixels(k):
    return (80 * k + np.arange(16)).reshape(4, 4).astype(np.uint8)


def float_image_pixels():
    return np.round(np.arange(16, dtype=np.float32) / np.float32(15) * 255).reshape(4, 4).astype(np.uint8)


def tone_samples():
    i = np.arange(2000)
    x = (0.5 * np.sin(2 * np.pi * 440.0 * i / 8000.0)).astype(np.float32)
    return np.round(np.clip(x, -1, 1) * np.float32(32767)).astype(np.int16)


def pr_inputs():
    labels = np.array([i % 3 != 0 for i in range(100)])
    predictions = np.array([np.float32(i) / np.float32(99) for i in range(100)], dtype=np.float32)
    return labels, predictions


def expected_pr_curve(num_thresholds=11):
    """TensorBoard's pr_curve numpy algorithm (plugins/pr_curve/summary.py
    `pb`, which itself needs TensorFlow to import): [TP, FP, TN, FN,
    precision, recall] at each threshold, float32."""
    labels, predictions = pr_inputs()
    buckets = np.floor(predictions * (num_thresholds - 1)).astype(np.int32)
    tp_buckets = np.bincount(buckets, weights=labels.astype(float), minlength=num_thresholds)
    fp_buckets = np.bincount(buckets, weights=1.0 - labels.astype(float), minlength=num_thresholds)
    tp = np.cumsum(tp_buckets[::-1])[::-1]
    fp = np.cumsum(fp_buckets[::-1])[::-1]
    tn = fp[0] - fp
    fn = tp[0] - tp
    precision = tp / np.maximum(1e-7, tp + fp)
    recall = tp / np.maximum(1e-7, tp + fn)
    return np.float32(np.stack([tp, fp, tn, fn, precision, recall]))


def decode_png(data):
    return np.array(Image.open(io.BytesIO(data)))


def decode_wav(data):
    with wave.open(io.BytesIO(data)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 8000)
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")


@pytest.fixture(scope="module")
def logdir(tmp_path_factory, bin_dir):
    path = tmp_path_factory.mktemp("demo")
    run([bin_dir / "summary_demo", path])
    return path


# --- TensorBoard's loading code -------------------------------------------------

@pytest.fixture(scope="module")
def train(logdir):
    acc = plugin_event_accumulator.EventAccumulator(str(logdir / "train"), size_guidance={"tensors": 0})
    acc.Reload()
    return acc


def values(acc, tag):
    return [(e.step, tensor_util.make_ndarray(e.tensor_proto)) for e in acc.Tensors(tag)]


def test_loader_sees_every_tag(train):
    assert set(train.Tags()["tensors"]) == {
        "loss", "accuracy", "weights", "activations", "gradient", "batch", "float_image", "tone", "notes",
        "table", "__run_graph__", "pr_curve", "custom_scalars__config__", "_hparams_/experiment"}


def test_loader_scalars(train):
    assert [(s, float(v)) for s, v in values(train, "loss")] == [(s, float(expected_loss(s))) for s in STEPS]
    assert [(s, float(v)) for s, v in values(train, "accuracy")] == [(s, float(expected_accuracy(s))) for s in STEPS]
    assert train.SummaryMetadata("accuracy").plugin_data.plugin_name == "scalars"


def test_legacy_loader_sees_simple_value_scalars(logdir):
    acc = event_accumulator.EventAccumulator(str(logdir / "train"), size_guidance={"scalars": 0})
    acc.Reload()
    assert [(e.step, e.value) for e in acc.Scalars("loss")] == [(s, float(expected_loss(s))) for s in STEPS]


def test_loader_histogram_buckets_equal_tensorboards(train):
    got = values(train, "weights")
    assert [s for s, _ in got] == list(range(5))
    for step, buckets in got:
        theirs = histogram_summary.histogram_pb("weights", weights_data(step)).value[0].tensor
        np.testing.assert_array_equal(buckets, tensor_util.make_ndarray(theirs))


def test_legacy_histogram_statistics(logdir):
    acc = event_accumulator.EventAccumulator(str(logdir / "train"), size_guidance={"histograms": 0})
    acc.Reload()
    (event,) = acc.Histograms("activations")
    h = event.histogram_value
    data = [math.sin(i) for i in range(100)]
    assert (h.min, h.max, h.num) == (min(data), max(data), 100)
    assert h.sum == pytest.approx(sum(data), rel=1e-12)
    assert h.sum_squares == pytest.approx(sum(x * x for x in data), rel=1e-12)
    assert sum(h.bucket) == 100
    # Every value lies in its bucket: limit[i-1] <= x < limit[i].
    limits = list(h.bucket_limit)
    for x in data:
        i = next(k for k, lim in enumerate(limits) if x < lim)
        assert h.bucket[i] > 0


def test_loader_images_decode_to_input_pixels(train):
    ((_, gradient),) = values(train, "gradient")
    assert gradient[:2].tolist() == [b"16", b"8"]
    np.testing.assert_array_equal(decode_png(gradient[2]), gradient_pixels())
    ((_, batch),) = values(train, "batch")
    assert len(batch) == 5
    for k in range(3):
        np.testing.assert_array_equal(decode_png(batch[2 + k]), batch_pixels(k))
    ((_, float_image),) = values(train, "float_image")
    np.testing.assert_array_equal(decode_png(float_image[2]), float_image_pixels())


def test_loader_audio(train):
    ((_, clip),) = values(train, "tone")
    assert clip.shape == (1,)
    np.testing.assert_array_equal(decode_wav(clip[0]), tone_samples())


def test_loader_text(train):
    ((_, notes),) = values(train, "notes")
    assert notes == b"**hello** from tfcompat"
    ((_, table),) = values(train, "table")
    assert table.tolist() == [[b"a", b"b"], [b"c", b"d"]]


def test_loader_pr_curve_equals_tensorboards(train):
    ((_, data),) = values(train, "pr_curve")
    np.testing.assert_array_equal(data, expected_pr_curve())


def test_loader_graph_and_layout(train):
    graph = graph_pb2.GraphDef.FromString(train.Graph().SerializeToString())
    assert [(n.name, n.op, list(n.input)) for n in graph.node] == [
        ("x", "Placeholder", []), ("w", "Const", []), ("y", "MatMul", ["x", "w"])]
    ((_, layout_bytes),) = values(train, "custom_scalars__config__")
    layout = layout_pb2.Layout.FromString(layout_bytes.item())
    assert layout.category[0].title == "losses"
    assert list(layout.category[0].chart[0].multiline.tag) == ["loss.*"]


def test_loader_hparams_sessions(logdir):
    for run_name, lr, optimizer in [("session_a", 0.1, "sgd"), ("session_b", 0.01, "adam")]:
        acc = plugin_event_accumulator.EventAccumulator(str(logdir / run_name))
        acc.Reload()
        content = acc.PluginTagToContent("hparams")
        start = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/session_start_info"])
        hp = start.session_start_info.hparams
        assert (hp["lr"].number_value, hp["optimizer"].string_value) == (lr, optimizer)
        end = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/session_end_info"])
        assert end.session_end_info.status == 1  # STATUS_SUCCESS


# --- A real TensorBoard server ------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, logdir, tmp_path, load_fast):
        self.port = free_port()
        self.log = open(tmp_path / "tensorboard.log", "w")
        tensorboard = [sys.executable, "-m", "tensorboard.main"]
        self.proc = subprocess.Popen(
            tensorboard + ["--logdir", str(logdir), "--host", "127.0.0.1", "--port", str(self.port),
                           "--reload_interval", "1", "--load_fast", load_fast],
            stdout=self.log, stderr=subprocess.STDOUT)

    def get(self, route, data=None, timeout=10):
        url = f"http://127.0.0.1:{self.port}{route}"
        body = None if data is None else json.dumps(data).encode()
        request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"} if body else {})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read()

    def json(self, route, data=None):
        return json.loads(self.get(route, data))

    def wait_for(self, predicate, what, seconds=90):
        deadline = time.monotonic() + seconds
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"tensorboard exited {self.proc.returncode}; see {self.log.name}")
            try:
                last = predicate()
                if last:
                    return last
            except OSError as e:  # Not listening yet, or 404 before a plugin is ready.
                last = e
            time.sleep(0.5)
        pytest.fail(f"timed out waiting for {what}; last: {last!r}")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=20)
        self.log.close()


# load_fast=true: the Rust data server; false: the Python loading path.
@pytest.fixture(scope="module", params=["true", "false"])
def server(request, logdir, tmp_path_factory):
    s = Server(logdir, tmp_path_factory.mktemp("tb"), request.param)
    try:
        s.wait_for(lambda: set(s.json("/data/runs")) >= {"train", "session_a", "session_b"}, "the runs")
        s.wait_for(lambda: len(s.json("/data/plugin/scalars/scalars?run=train&tag=loss")) == 100, "all loss points")
        yield s
    finally:
        s.stop()


def query(**params):
    return urllib.parse.urlencode(params)


def test_server_scalars(server):
    for tag, expected in [("loss", expected_loss), ("accuracy", expected_accuracy)]:
        points = server.json("/data/plugin/scalars/scalars?" + query(run="train", tag=tag))
        assert [(step, value) for _, step, value in points] == [(s, float(expected(s))) for s in STEPS]
    points = server.json("/data/plugin/scalars/scalars?" + query(run="session_b", tag="metric/accuracy"))
    assert [(step, value) for _, step, value in points] == [
        (s, float(np.float32(0.4) + np.float32(s) / np.float32(20))) for s in range(10)]


def test_server_histograms(server):
    points = server.json("/data/plugin/histograms/histograms?" + query(run="train", tag="weights"))
    assert [step for _, step, _ in points] == list(range(5))
    for _, step, buckets in points:
        theirs = histogram_summary.histogram_pb("weights", weights_data(step)).value[0].tensor
        np.testing.assert_array_equal(np.array(buckets), tensor_util.make_ndarray(theirs))
    ((_, _, legacy),) = server.json("/data/plugin/histograms/histograms?" + query(run="train", tag="activations"))
    assert sum(c for _, _, c in legacy) == 100
    # The Python path converts legacy histograms to float32.
    assert legacy[0][0] == pytest.approx(min(math.sin(i) for i in range(100)), rel=1e-7)
    assert legacy[-1][1] == pytest.approx(max(math.sin(i) for i in range(100)), rel=1e-7)


def individual_images(server, tag, samples):
    out = []
    for sample in range(samples):
        (entry,) = server.json("/data/plugin/images/images?" + query(run="train", tag=tag, sample=sample))
        out.append(decode_png(server.get("/data/plugin/images/individualImage?" + entry["query"])))
    return out


def test_server_images(server):
    (gradient,) = individual_images(server, "gradient", 1)
    np.testing.assert_array_equal(gradient, gradient_pixels())
    for k, image in enumerate(individual_images(server, "batch", 3)):
        np.testing.assert_array_equal(image, batch_pixels(k))
    (float_image,) = individual_images(server, "float_image", 1)
    np.testing.assert_array_equal(float_image, float_image_pixels())


def test_server_audio(server):
    (entry,) = server.json("/data/plugin/audio/audio?" + query(run="train", tag="tone", sample=0))
    assert entry["contentType"] == "audio/wav"
    np.testing.assert_array_equal(decode_wav(server.get("/data/plugin/audio/individualAudio?" + entry["query"])),
                                  tone_samples())


def test_server_text(server):
    (notes,) = server.json("/data/plugin/text/text?" + query(run="train", tag="notes"))
    assert "<strong>hello</strong> from tfcompat" in notes["text"]
    (table,) = server.json("/data/plugin/text/text?" + query(run="train", tag="table"))
    for cell in "abcd":
        assert f"<td><p>{cell}</p></td>" in table["text"]


def test_server_pr_curve(server):
    data = server.json("/data/plugin/pr_curves/pr_curves?" + query(run="train", tag="pr_curve"))
    (entry,) = data["train"]
    theirs = expected_pr_curve()
    np.testing.assert_allclose(entry["precision"], theirs[4], rtol=1e-6)
    np.testing.assert_allclose(entry["recall"], theirs[5], rtol=1e-6)
    assert entry["true_positives"] == theirs[0].tolist()


def test_server_graph(server):
    pbtxt = server.get("/data/plugin/graphs/graph?" + query(run="train")).decode()
    for node in ['name: "x"', 'op: "Placeholder"', 'name: "y"', 'op: "MatMul"', 'input: "w"']:
        assert node in pbtxt


def test_server_custom_scalars(server):
    layout = server.json("/data/plugin/custom_scalars/layout")
    assert layout["category"][0]["title"] == "losses"
    assert layout["category"][0]["chart"][0]["multiline"]["tag"] == ["loss.*"]


def test_server_hparams(server):
    experiment = server.json("/data/plugin/hparams/experiment", {"experimentName": ""})
    assert {h["name"] for h in experiment["hparamInfos"]} == {"lr", "optimizer"}
    assert [m["name"]["tag"] for m in experiment["metricInfos"]] == ["metric/accuracy"]
    groups = server.json("/data/plugin/hparams/session_groups", {
        "experimentName": "", "allowedStatuses": ["STATUS_SUCCESS", "STATUS_UNKNOWN"],
        "colParams": [], "startIndex": 0, "sliceSize": 10})
    got = {}
    for group in groups["sessionGroups"]:
        (metric,) = group["metricValues"]
        got[group["hparams"]["optimizer"]] = (group["hparams"]["lr"], metric["value"], group["sessions"][0]["status"])
    assert got == {"sgd": (0.1, pytest.approx(0.95), "STATUS_SUCCESS"),
                   "adam": (0.01, pytest.approx(0.85), "STATUS_SUCCESS")}


def test_server_projector(server):
    runs = server.wait_for(lambda: server.json("/data/plugin/projector/runs"), "the projector's runs")
    assert "train" in runs
    info = server.json("/data/plugin/projector/info?" + query(run="train"))
    (embedding,) = info["embeddings"]
    assert (embedding["tensorName"], embedding["tensorShape"]) == ("points", [5, 3])
    tensor = server.get("/data/plugin/projector/tensor?" + query(run="train", name="points"))
    np.testing.assert_array_equal(np.frombuffer(tensor, dtype="<f4").reshape(5, 3),
                                  np.arange(15, dtype=np.float32).reshape(5, 3))
    labels = server.get("/data/plugin/projector/metadata?" + query(run="train", name="points")).decode()
    assert labels.split() == ["p0", "p1", "p2", "p3", "p4"]
