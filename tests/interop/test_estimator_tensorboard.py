"""A model_dir trained and evaluated by our `estimator` CLI, read by real
TensorBoard 2.21: its loading code and a running server show `loss` and
`global_step/sec` at TF's steps, the eval run's metrics at the checkpoint's
step, the SessionLog events, and the model's graph."""
import pytest
from tensorboard.backend.event_processing import event_accumulator
from tensorboard.compat.proto import graph_pb2

from conftest import run
from test_summary_tensorboard import Server, query

STEPS = 300


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory, bin_dir):
    path = tmp_path_factory.mktemp("iris") / "model"
    flags = ["--model_dir", path, "--seed", "3", "--save_summary_steps", "100"]
    run([bin_dir / "estimator", "train", "--steps", STEPS] + flags)
    run([bin_dir / "estimator", "evaluate"] + flags)
    return path


def load(path):
    acc = event_accumulator.EventAccumulator(str(path), size_guidance={"scalars": 0})
    acc.Reload()
    return acc


def test_training_scalars_at_tensorflows_steps(model_dir):
    acc = load(model_dir)
    assert [e.step for e in acc.Scalars("loss")] == [1, 101, 201]
    assert [e.step for e in acc.Scalars("global_step/sec")] == [101, 201]
    assert all(e.value > 0 for e in acc.Scalars("global_step/sec"))


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
    graph = server.get("/data/plugin/graphs/graph?" + query(run=".", conceptual="false")).decode()
    assert 'name: "dnn/hiddenlayer_0/MatMul"' in graph
    assert 'name: "dnn/logits/BiasAdd"' in graph
