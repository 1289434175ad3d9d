# SPDX-License-Identifier: Apache-2.0
"""`estimator train_and_evaluate` as two processes, a chief training in
three runs and an evaluator following its checkpoints, read by real
TensorBoard 2.21: the eval run holds exactly one point per checkpoint the
evaluator saw (100, 200, 300), each with that checkpoint's path, and the
server shows the same. The chief is one process, or an MPI job of two ranks
(`mpirun -np 2`), whose training run TensorBoard reads as one process's."""
import json
import subprocess

import pytest
from tensorboard.backend.event_processing import event_accumulator

from conftest import run
from iris_data import DATA, NAMES
from test_summary_tensorboard import Server, query

CHECKPOINTS = [100, 200, 300]


def model_flags(path):
    return ["--model_dir", path, "--seed", "3", "--train_csv", DATA / "iris_training.csv",
            "--feature_names", ",".join(NAMES), "--eval_csv", DATA / "iris_test.csv", "--save_checkpoints_steps", "100"]


@pytest.fixture(scope="module", params=["one_process", "two_mpi_ranks"])
def model_dir(request, tmp_path_factory, bin_dir):
    path = tmp_path_factory.mktemp("iris") / "model"
    tool = bin_dir / "estimator"
    # The chief alone, or as rank 0 of an MPI job of two ranks (the other
    # rank trains and writes nothing).
    launcher = request.getfixturevalue("mpirun") if request.param == "two_mpi_ranks" else []

    def chief(max_steps):
        run(launcher + [tool, "train_and_evaluate", "--task_type", "chief", "--max_steps", max_steps] +
            model_flags(path))

    chief(CHECKPOINTS[0])
    evaluator = subprocess.Popen(
        [str(a) for a in [tool, "train_and_evaluate", "--task_type", "evaluator", "--max_steps", CHECKPOINTS[-1],
                          "--start_delay_secs", "0", "--throttle_secs", "0.2", "--json"] + model_flags(path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # The chief goes on only once the evaluator has evaluated its last
        # checkpoint, so each one is evaluated.
        for done, next_max_steps in zip(CHECKPOINTS, CHECKPOINTS[1:]):
            wanted = f"INFO:tfcompat:Saving dict for global step {done}: "
            for line in evaluator.stderr:
                if line.startswith(wanted):
                    break
            else:
                pytest.fail(f"the evaluator exited {evaluator.wait()} before evaluating step {done}")
            chief(next_max_steps)
        # The rest of the log through the same buffered file (stdout, one
        # JSON object, cannot fill its pipe meanwhile).
        err = evaluator.stderr.read()
        out = evaluator.stdout.read()
        evaluator.wait(timeout=120)
    finally:
        evaluator.kill()
    assert evaluator.returncode == 0, err
    assert f"Exiting evaluation, global_step={CHECKPOINTS[-1]} >= train max_steps={CHECKPOINTS[-1]}" in err
    assert json.loads(out)["global_step"] == CHECKPOINTS[-1]
    return path


def test_eval_run_has_one_point_per_checkpoint(model_dir):
    acc = event_accumulator.EventAccumulator(str(model_dir / "eval"), size_guidance={"scalars": 0, "tensors": 0})
    acc.Reload()
    for tag in ("accuracy", "average_loss", "loss"):
        assert [e.step for e in acc.Scalars(tag)] == CHECKPOINTS
    paths = {e.step: e.tensor_proto.string_val[0].decode() for e in acc.Tensors("checkpoint_path")}
    assert paths == {step: str(model_dir / f"model.ckpt-{step}") for step in CHECKPOINTS}


def test_server_shows_one_eval_point_per_checkpoint(model_dir, tmp_path_factory):
    server = Server(model_dir, tmp_path_factory.mktemp("tb"), "false")
    try:
        def steps():
            points = server.json("/data/plugin/scalars/scalars?" + query(run="eval", tag="accuracy"))
            return [step for _, step, _ in points]

        server.wait_for(lambda: len(steps()) == len(CHECKPOINTS), "the eval points")
        assert steps() == CHECKPOINTS
    finally:
        server.stop()


def test_training_run_is_the_chiefs_alone(model_dir):
    # One event file per chief run (rank 0's), the loss every 100 steps.
    assert len(list(model_dir.glob("events.out.tfevents.*"))) == len(CHECKPOINTS)
    acc = event_accumulator.EventAccumulator(str(model_dir), size_guidance={"scalars": 0})
    acc.Reload()
    assert [e.step for e in acc.Scalars("loss")] == [1, 101, 201]
