# SPDX-License-Identifier: Apache-2.0
"""A model_dir trained and evaluated by our `estimator` CLI, read by real
TensorBoard 2.21: its loading code and a running server show `loss` and
`global_step/sec` at TF's steps, the DNN's activation histograms and
fraction_of_zero_values (TF1's default summaries) and, with
--weight_histograms, a histogram of every variable; the eval run's metrics at
the checkpoint's step, the SessionLog events, and the model's graph."""
import pytest
from tensorboard.backend.event_processing import event_accumulator
from tensorboard.compat.proto import graph_pb2

from conftest import run
from iris_data import DATA, NAMES
from test_summary_tensorboard import Server, query

STEPS = 300


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory, bin_dir):
    path = tmp_path_factory.mktemp("iris") / "model"
    flags = ["--model_dir", path, "--seed", "3", "--save_summary_steps", "100"]
    run([bin_dir / "estimator", "train", "--steps", STEPS, "--weight_histograms", "--train_csv",
         DATA / "iris_training.csv", "--feature_names", ",".join(NAMES)] + flags)
    run([bin_dir / "estimator", "evaluate", "--eval_csv", DATA / "iris_test.csv"] + flags)
    return path


def load(path):
    acc = event_accumulator.EventAccumulator(str(path), size_guidance={"scalars": 0, "histograms": 0})
    acc.Reload()
    return acc


def test_training_scalars_at_tensorflows_steps(model_dir):
    acc = load(model_dir)
    assert [e.step for e in acc.Scalars("loss")] == [1, 101, 201]
    assert [e.step for e in acc.Scalars("global_step/sec")] == [101, 201]
    assert all(e.value > 0 for e in acc.Scalars("global_step/sec"))


LAYERS = ["dnn/hiddenlayer_0", "dnn/hiddenlayer_1", "dnn/logits"]
UNITS = [10, 10, 3]


def test_layer_and_weight_histograms(model_dir):
    acc = load(model_dir)
    for layer, units in zip(LAYERS, UNITS):
        activations = acc.Histograms(f"dnn/{layer}/activation")
        assert [e.step for e in activations] == [1, 101, 201]
        assert all(e.histogram_value.num == 100 * units for e in activations)  # a batch of 100
        zeros = acc.Scalars(f"dnn/{layer}/fraction_of_zero_values")
        assert [e.step for e in zeros] == [1, 101, 201]
        assert all(0 <= e.value <= 1 for e in zeros)
        for variable, size in ((f"{layer}/kernel", None), (f"{layer}/bias", units)):
            weights = acc.Histograms(variable)
            assert [e.step for e in weights] == [1, 101, 201]
            if size:
                assert all(e.histogram_value.num == size for e in weights)
    assert [e.step for e in acc.Scalars("average_loss")] == [1, 101, 201]


def test_graph_has_the_dnn_layers(model_dir):
    graph = graph_pb2.GraphDef.FromString(load(model_dir).Graph().SerializeToString())
    nodes = {n.name: n for n in graph.node}
    assert nodes["dnn/hiddenlayer_0/kernel"].op == "VariableV2"
    assert list(nodes["dnn/hiddenlayer_0/MatMul"].input) == [
        "dnn/input_from_feature_columns/input_layer/concat", "dnn/hiddenlayer_0/kernel/read"]
    assert list(nodes["dnn/hiddenlayer_1/Relu"].input) == ["dnn/hiddenlayer_1/BiasAdd"]
    assert list(nodes["dnn/logits/BiasAdd"].input) == ["dnn/logits/MatMul", "dnn/logits/bias/read"]
    assert nodes["global_step"].attr["dtype"].type == 9  # DT_INT64


def test_eval_run_metrics_at_the_checkpoint_step(model_dir):
    acc = load(model_dir / "eval")
    for tag in ("accuracy", "average_loss", "loss"):
        assert [e.step for e in acc.Scalars(tag)] == [STEPS]
    assert acc.Scalars("accuracy")[0].value >= 0.9


@pytest.fixture(scope="module")
def server(model_dir, tmp_path_factory):
    s = Server(model_dir, tmp_path_factory.mktemp("tb"), "false")
    try:
        s.wait_for(lambda: set(s.json("/data/runs")) >= {".", "eval"}, "the runs")
        s.wait_for(lambda: len(s.json("/data/plugin/scalars/scalars?" + query(run=".", tag="loss"))) == 3,
                   "the loss points")
        yield s
    finally:
        s.stop()


def test_server_shows_loss_speed_accuracy_and_graph(server):
    def steps(run_name, tag):
        return [step for _, step, _ in server.json("/data/plugin/scalars/scalars?" + query(run=run_name, tag=tag))]

    assert steps(".", "loss") == [1, 101, 201]
    assert steps(".", "global_step/sec") == [101, 201]
    assert steps("eval", "accuracy") == [STEPS]
    activations = server.json("/data/plugin/histograms/histograms?" +
                              query(run=".", tag="dnn/dnn/hiddenlayer_0/activation"))
    assert [step for _, step, _ in activations] == [1, 101, 201]
    assert all(sum(count for _, _, count in buckets) == 1000 for _, _, buckets in activations)
    kernel = server.json("/data/plugin/histograms/histograms?" + query(run=".", tag="dnn/logits/kernel"))
    assert [step for _, step, _ in kernel] == [1, 101, 201]
    assert all(sum(count for _, _, count in buckets) == 30 for _, _, buckets in kernel)
    graph = server.get("/data/plugin/graphs/graph?" + query(run=".", conceptual="false")).decode()
    assert 'name: "dnn/hiddenlayer_0/MatMul"' in graph
    assert 'name: "dnn/logits/BiasAdd"' in graph
