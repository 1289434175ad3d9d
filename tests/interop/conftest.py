# SPDX-License-Identifier: Apache-2.0
"""Shared fixtures for the interop tests: where our binaries and the
TensorFlow-written sample files are."""
import os
import pathlib
import shutil
import subprocess
import sys

import pytest


def _dir_from_env(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set; run the interop tests through ctest")
    return pathlib.Path(value)


@pytest.fixture(scope="session")
def bin_dir():
    """build/bin: the tools and examples."""
    return _dir_from_env("TFCOMPAT_BIN")


@pytest.fixture(scope="session")
def test_bin_dir():
    """build/tests: test drivers."""
    return _dir_from_env("TFCOMPAT_TEST_BIN")


@pytest.fixture(scope="session")
def testdata():
    """tests/testdata: files written by real TensorFlow, PyTorch, tensorboardX."""
    path = _dir_from_env("TFCOMPAT_TESTDATA")
    if not path.is_dir():
        pytest.fail(f"test data not found at {path}")
    return path


@pytest.fixture(scope="session")
def mpirun():
    """The launcher of an MPI job of two ranks on this machine (as root, and
    on fewer cores than ranks, Open MPI wants to be told)."""
    path = shutil.which("mpirun")
    if path is None:
        pytest.fail("mpirun not found (Debian: openmpi-bin; .ci/install-deps.sh installs it)")
    return [path, "-np", "2", "--oversubscribe", "--allow-run-as-root"]


@pytest.fixture(scope="module")
def tensorboardx_logdir(tmp_path_factory):
    """A logdir tensorboardX wrote (for the tests run in the tensorboard
    venv): run `train` with scalars (NaN and the infinities among them),
    histograms, text with quotes and a newline, and hparams of every value
    type; run `eval` with its steps going back."""
    import math

    import numpy as np
    from tensorboardX import SummaryWriter

    logdir = tmp_path_factory.mktemp("tbx")
    with SummaryWriter(str(logdir / "train")) as w:
        for step in range(20):
            w.add_scalar("loss", 1.0 / (step + 1), step)
            w.add_scalar("odd", [math.nan, math.inf, -math.inf, 0.1][step % 4], step)
            w.add_histogram("weights", np.linspace(-1, 1, 100) * step, step)
        w.add_text("notes", 'a "quoted", comma\nand a line', 3)
        w.add_hparams({"lr": 0.01, "optimizer": "adam", "layers": 3, "deep": True}, {"hparam/accuracy": 0.9})
    with SummaryWriter(str(logdir / "eval")) as w:
        for step in (0, 10, 5):  # Steps going back: rows by step, as tbparse.
            w.add_scalar("loss", step / 10, step)
    return logdir


def run(args, **kwargs):
    """Runs one of our binaries; fails the test with its stderr on error."""
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        pytest.fail(f"{args[0]} exited {result.returncode}:\n{result.stderr}")
    return result


def _package_dir():
    venv = pathlib.Path(os.environ.get("TFCOMPAT_PY_VENV", ""))
    python = venv / "bin" / "python"
    if not python.is_file():
        pytest.fail(f"no venv with the tfcompat package at {venv}: run tests/python/setup_venv.sh BUILD_DIR")
    where = subprocess.run([str(python), "-c", "import os, tfcompat; print(os.path.dirname(tfcompat.__file__))"],
                           capture_output=True, text=True, check=True)
    return pathlib.Path(where.stdout.strip())


@pytest.fixture(scope="module")
def tfcompat(tmp_path_factory):
    """Our Python package, imported from the venv tests/python/setup_venv.sh
    installed it into (TFCOMPAT_PY_VENV) beside this venv's own packages."""
    path = tmp_path_factory.mktemp("package")
    (path / "tfcompat").symlink_to(_package_dir(), target_is_directory=True)
    sys.path.insert(0, str(path))
    try:
        import tfcompat as package
        yield package
    finally:
        sys.path.remove(str(path))
