# SPDX-License-Identifier: Apache-2.0
"""Shared fixtures of the Python package's tests (run by ctest in the venv
build/venv/py, which tests/python/setup_venv.sh makes; no TensorFlow)."""
import os
import pathlib

import pytest


@pytest.fixture(scope="session")
def testdata():
    """tests/testdata: checkpoints and SavedModels written by TensorFlow."""
    value = os.environ.get("TFCOMPAT_TESTDATA")
    if not value:
        pytest.fail("TFCOMPAT_TESTDATA is not set; run the Python tests through ctest")
    path = pathlib.Path(value)
    if not path.is_dir():
        pytest.fail(f"test data not found at {path}")
    return path


def flip_byte(path, offset):
    """Damages PATH: inverts the byte at OFFSET."""
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
