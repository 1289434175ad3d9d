# SPDX-License-Identifier: Apache-2.0
"""Typed CSV columns against real TensorFlow: on the same files, with the
same record_defaults and na_value, our ReadCsvColumns (csv_columns_driver)
gives the values tf.io.decode_csv and tf.data.experimental.CsvDataset give,
bit for bit, and TF's error text for a required field that is missing and
for a bad number."""
import json
import random
import subprocess

import numpy as np
import pytest
import tensorflow as tf

from conftest import run

NAMES = ["name", "age", "score", "weight", "count", "city"]
# (our record_defaults entry, TF's record_defaults entry) per column
DEFAULTS = [
    ({"dtype": "string", "default": "nobody"}, tf.constant("nobody")),
    ({"dtype": "int64", "default": -1}, tf.constant(-1, tf.int64)),
    ({"dtype": "float32", "default": 0.5}, tf.constant(0.5, tf.float32)),
    ({"dtype": "float64", "default": -2.25}, tf.constant(-2.25, tf.float64)),
    ({"dtype": "int32", "default": 7}, tf.constant(7, tf.int32)),
    ({"dtype": "string"}, tf.constant([], tf.string)),  # required
]
STRINGS = ["Oslo", "Smith, Ann", 'say "hi"', " padded ", "NA ", "ünï", "a,b,,c", '"', "x" * 40]


def quote(field, rng):
    """The field as CSV text: quoted when it must be, and sometimes when not."""
    if any(c in field for c in ',"') or rng.random() < 0.2:
        return '"' + field.replace('"', '""') + '"'
    return field


FLOATS = ["1e-40", "-0", "inf", "-INF", "nan", "-NaN", "3.5e38", " 2.5 ", "+1.5e3", ".5", "0x1000001", "-0X1a"]
DOUBLES = ["1e-320", "5.", "-1e400", "0x20000000000001"]


def make_rows(rng, count):
    """Rows of the NAMES columns, any but the last sometimes missing (empty, NA or "")."""
    columns = [
        lambda: quote(rng.choice(STRINGS), rng),
        lambda: str(rng.choice([0, -5, 2**62, -(2**63), rng.randrange(-999, 999)])),
        lambda: rng.choice(FLOATS + [repr(rng.uniform(-1e6, 1e6))] * 4),
        lambda: rng.choice(DOUBLES + [repr(rng.gauss(0, 1e10))] * 4),
        lambda: str(rng.randrange(-(2**31), 2**31)),
    ]
    rows = []
    for _ in range(count):
        row = [rng.choice(["", "NA", '""']) if rng.random() < 0.2 else make() for make in columns]
        rows.append(row + [quote(rng.choice(STRINGS), rng)])  # the required column
    return rows


def write_csv(path, rows, newline="\n"):
    text = ",".join(NAMES) + newline + "".join(",".join(row) + newline for row in rows)
    path.write_bytes(text.encode())
    return str(path)


def run_driver(test_bin_dir, path, check=True, **options):
    opts = {"record_defaults": [ours for ours, _ in DEFAULTS], "na_value": "NA", "header": True}
    opts.update(options)
    args = [test_bin_dir / "csv_columns_driver", json.dumps(opts), path]
    if not check:
        return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=False)
    return json.loads(run(args).stdout)


def assert_columns_equal(ours, names, theirs):
    """`theirs`: one tensor (or array) per column of `names`, in order."""
    assert sorted(ours) == sorted(names)
    for name, want in zip(names, theirs):
        want = np.asarray(want)
        got = ours[name]
        assert got["shape"] == list(want.shape), name
        if want.dtype == np.float32:
            assert got["values"] == want.view(np.uint32).tolist(), name
        elif want.dtype == np.float64:
            assert got["values"] == want.view(np.uint64).tolist(), name
        elif want.dtype.kind in "OS":
            assert [bytes.fromhex(v) for v in got["values"]] == want.tolist(), name
        else:
            assert got["values"] == want.tolist(), name


def tf_decode(path, **kwargs):
    """decode_csv over the file's data lines, as one batch."""
    lines = tf.data.TextLineDataset(path).skip(1)
    records = tf.concat(list(lines.batch(1000)), axis=0)
    return tf.io.decode_csv(records, [theirs for _, theirs in DEFAULTS], na_value="NA", **kwargs)


def test_values_equal_tf_decode_csv(tmp_path, test_bin_dir):
    path = write_csv(tmp_path / "people.csv", make_rows(random.Random(20261205), 300))
    ours = run_driver(test_bin_dir, path)
    assert_columns_equal(ours, NAMES, [t.numpy() for t in tf_decode(path)])


def test_select_cols_equal_tf_decode_csv(tmp_path, test_bin_dir):
    path = write_csv(tmp_path / "people.csv", make_rows(random.Random(3), 50))
    cols = [1, 2, 5]
    ours = run_driver(test_bin_dir, path, record_defaults=[DEFAULTS[c][0] for c in cols], select_cols=cols)
    records = tf.concat(list(tf.data.TextLineDataset(path).skip(1).batch(1000)), axis=0)
    theirs = tf.io.decode_csv(records, [DEFAULTS[c][1] for c in cols], na_value="NA", select_cols=cols)
    assert_columns_equal(ours, [NAMES[c] for c in cols], [t.numpy() for t in theirs])


def test_quoted_line_breaks_and_crlf_equal_tf_csv_dataset(tmp_path, test_bin_dir):
    rows = make_rows(random.Random(11), 40)
    rows[3][0] = '"two\nlines"'
    rows[9][5] = '"three\r\nline\nfield"'
    path = write_csv(tmp_path / "people.csv", rows, newline="\r\n")
    ours = run_driver(test_bin_dir, path)
    dataset = tf.data.experimental.CsvDataset(path, [theirs for _, theirs in DEFAULTS], header=True, na_value="NA")
    theirs = list(zip(*[[v.numpy() for v in record] for record in dataset]))
    assert_columns_equal(ours, NAMES, [np.array(column) for column in theirs])


def tf_error(path):
    with pytest.raises(tf.errors.InvalidArgumentError) as error:
        tf_decode(path)
    # TF's message, less its op prefix and suffix.
    return error.value.message.split("}} ")[-1].split(" [Op:")[0]


@pytest.mark.parametrize(
    "column, bad, kind",
    [
        (5, "", "required"),  # a required field empty
        (5, "NA", "required"),  # ... or na_value
        (2, "1.5x", "float"),
        (1, "12345678901234567890", "int64"),
        (4, "3000000000", "int32"),
        (3, "0x1.8", "double"),
    ],
)
def test_errors_are_tfs(tmp_path, test_bin_dir, column, bad, kind):
    rows = make_rows(random.Random(5), 8)
    rows[6][column] = bad
    path = write_csv(tmp_path / "bad.csv", rows)
    result = run_driver(test_bin_dir, path, check=False)
    assert result.returncode == 2
    want = tf_error(path)
    assert want.startswith(f"Field {column}") and "record 6" in want
    assert ("required" if kind == "required" else f"valid {kind}") in want
    # Record 6 is on line 8, after the header; the column is named.
    assert f"INVALID_ARGUMENT: {path}:8: column {column + 1} ({NAMES[column]}): {want}" in result.stderr
