# SPDX-License-Identifier: Apache-2.0
"""The repository's Iris files (data/), for tests in any venv: no
TensorFlow here."""
import pathlib

import numpy as np

NAMES = ["SepalLength", "SepalWidth", "PetalLength", "PetalWidth"]
DATA = pathlib.Path(__file__).resolve().parents[2] / "data"


def iris(name):
    """(features [rows, 4] float32, class ids [rows] int64) of data/`name`."""
    table = np.loadtxt(DATA / name, delimiter=",", skiprows=1, dtype=np.float32)
    return table[:, :4], table[:, 4].astype(np.int64)


def write_tf_csv(path, x, y, class_names):
    """Rows `x` with labels `y` in TF's Iris layout: a header row of the row
    count, the feature count and the class names."""
    with open(path, "w") as f:
        f.write(",".join([str(len(x)), str(x.shape[1])] + list(class_names)) + "\n")
        for row, label in zip(x, y):
            f.write(",".join(repr(float(v)) for v in row) + f",{label}\n")
