# SPDX-License-Identifier: Apache-2.0
"""Feature column ids against TensorFlow: for the same raw features, our
columns (tests/interop/feature_column_ids.cc) give the very SparseTensor that
TensorFlow's tf.feature_column columns give through get_sparse_tensors (what
input_layer, DenseFeatures and linear_model use): indices, ids, dense shape."""
import json
import math
import random
import struct

import numpy as np
import pytest
import tensorflow as tf
from tensorflow.python.feature_column import feature_column_v2 as fc2

from conftest import run

fc = tf.feature_column
N = 10_000


def random_strings(rng, n):
    """Empty, NUL, unicode, long and arbitrary-byte strings."""
    out = [b"", b"\x00", "é".encode(), "日本語".encode(), "🐧".encode(), b"a" * 10_000, bytes(range(256))]
    while len(out) < n:
        kind = rng.randrange(5)
        if kind == 0:
            out.append(bytes(rng.randrange(32, 127) for _ in range(rng.randrange(0, 20))))
        elif kind == 1:
            chars = [chr(rng.choice([rng.randrange(0x80, 0xD800), rng.randrange(0xE000, 0x110000)]))
                     for _ in range(rng.randrange(1, 12))]
            out.append("".join(chars).encode())
        elif kind == 2:
            out.append(rng.randbytes(rng.randrange(0, 64)))
        elif kind == 3:
            out.append(rng.randbytes(rng.randrange(64, 3000)))
        else:
            out.append(str(rng.randrange(-10**6, 10**6)).encode())
    return out


def f32_hex(values):
    return [struct.pack("<f", v).hex() for v in values]


class Batch:
    """Raw features built once for both sides: JSON for our driver, tensors for TF."""

    def __init__(self):
        self.spec = {}
        self.tensors = {}

    def _add(self, key, kind, values, shape, indices=None):
        encoded = {"string": lambda: [v.hex() for v in values], "int64": lambda: [int(v) for v in values],
                   "float": lambda: f32_hex(values)}[kind]()
        self.spec[key] = {"type": kind, "shape": list(shape), "values": encoded}
        dtype = {"string": tf.string, "int64": tf.int64, "float": tf.float32}[kind]
        if indices is None:
            self.tensors[key] = tf.reshape(tf.constant(values, dtype), shape)
        else:
            self.spec[key]["indices"] = indices
            self.tensors[key] = tf.sparse.SparseTensor(tf.constant(indices, tf.int64) if indices else
                                                       tf.zeros([0, 2], tf.int64),
                                                       tf.constant(values, dtype), shape)

    def dense(self, key, kind, rows):
        width = len(rows[0])
        self._add(key, kind, [v for row in rows for v in row], [len(rows), width])

    def ragged(self, key, kind, rows):
        indices = [[b, j] for b, row in enumerate(rows) for j in range(len(row))]
        width = max((len(row) for row in rows), default=0)
        self._add(key, kind, [v for row in rows for v in row], [len(rows), width], indices)


def ours(tmp_path, test_bin_dir, batch, column_specs):
    path = tmp_path / "spec.json"
    path.write_text(json.dumps({"features": batch.spec, "columns": column_specs}))
    return json.loads(run([test_bin_dir / "feature_column_ids", path]).stdout)


def theirs(column, batch):
    pair = column.get_sparse_tensors(fc2.FeatureTransformationCache(batch.tensors), None)
    ids = pair.id_tensor
    out = {"indices": ids.indices.numpy().tolist(), "ids": ids.values.numpy().astype(np.int64).tolist(),
           "shape": ids.dense_shape.numpy().tolist(), "weights": []}
    if pair.weight_tensor is not None:
        out["weights"] = pair.weight_tensor.values.numpy().tolist()
    return out


def assert_same(got, expected):
    assert "error" not in got, got["error"]
    for field in ("shape", "indices", "ids", "weights"):
        assert got[field] == expected[field], field


def test_hash_bucket_ids_equal_to_hash_bucket_fast(tmp_path, test_bin_dir):
    rng = random.Random(20261205)
    strings = random_strings(rng, N)
    ints = [rng.choice([0, -1, 2**63 - 1, -2**63, rng.randrange(-2**63, 2**63)]) for _ in range(N)]
    batch = Batch()
    batch.ragged("s", "string", [[s] for s in strings])  # sparse: empty strings stay
    batch.dense("d", "string", [[s] for s in strings])  # dense: empty strings drop
    batch.dense("i", "int64", [[v] for v in ints])
    sizes = [1, 7, 1000, 2**31 - 1, 2**62 + 3]
    specs = [{"kind": "hash", "key": "s", "buckets": b} for b in sizes]
    specs += [{"kind": "hash", "key": "d", "buckets": 1000}, {"kind": "hash", "key": "i", "buckets": 9973,
                                                                  "dtype": "int64"}]
    got = ours(tmp_path, test_bin_dir, batch, specs)
    for size, result in zip(sizes, got):
        assert result["ids"] == tf.strings.to_hash_bucket_fast(strings, size).numpy().tolist(), size
    assert_same(got[len(sizes)], theirs(fc.categorical_column_with_hash_bucket("d", 1000), batch))
    assert_same(got[-1], theirs(fc.categorical_column_with_hash_bucket("i", 9973, dtype=tf.int64), batch))


def test_crossed_ids_equal_tensorflows(tmp_path, test_bin_dir):
    rng = random.Random(7)
    pool = random_strings(rng, 300)
    batch = Batch()
    batch.ragged("a", "string", [[rng.choice(pool) for _ in range(rng.randrange(0, 4))] for _ in range(N)])
    batch.ragged("b", "string", [[rng.choice(pool) for _ in range(rng.randrange(1, 3))] for _ in range(N)])
    batch.dense("c", "int64", [[rng.randrange(-5, 50)] for _ in range(N)])
    batch.dense("d", "string", [[rng.choice(pool), rng.choice(pool)] for _ in range(N)])
    batch.dense("age", "float", [[rng.uniform(-10, 120)] for _ in range(N)])
    vocab = [p for p in pool[:40] if p]
    boundaries = [0.0, 18.0, 35.0, 65.0]
    vocab_spec = {"kind": "vocab_list", "key": "b", "vocabulary": [v.hex() for v in vocab], "num_oov_buckets": 3}
    age_spec = {"kind": "bucketized", "key": "age", "dimension": 1, "boundaries": f32_hex(boundaries)}
    vocab_col = fc.categorical_column_with_vocabulary_list("b", vocab, num_oov_buckets=3)
    age_col = fc.bucketized_column(fc.numeric_column("age"), boundaries)
    cases = [
        ({"kind": "crossed", "keys": ["a", "b"], "buckets": 1000}, fc.crossed_column(["a", "b"], 1000)),
        ({"kind": "crossed", "keys": ["a", "b", "c"], "buckets": 2**40, "hash_key": 99},
         fc.crossed_column(["a", "b", "c"], 2**40, hash_key=99)),
        ({"kind": "crossed", "keys": ["d", vocab_spec], "buckets": 97}, fc.crossed_column(["d", vocab_col], 97)),
        ({"kind": "crossed", "keys": [age_spec, "a"], "buckets": 500}, fc.crossed_column([age_col, "a"], 500)),
        ({"kind": "crossed", "keys": [{"kind": "crossed", "keys": ["a", "c"], "buckets": 3}, "d"], "buckets": 10**6},
         fc.crossed_column([fc.crossed_column(["a", "c"], 3), "d"], 10**6)),
    ]
    got = ours(tmp_path, test_bin_dir, batch, [spec for spec, _ in cases])
    for (spec, column), result in zip(cases, got):
        expected = theirs(column, batch)
        assert len(expected["ids"]) > N
        assert_same(result, expected)


def test_vocabulary_ids_with_oov_buckets_equal_tensorflows(tmp_path, test_bin_dir):
    rng = random.Random(11)
    words = list(dict.fromkeys(s for s in random_strings(rng, 2000) if s and b"\n" not in s and b"\r" not in s))
    vocab_words = words[:500]
    numbers = list(dict.fromkeys(rng.randrange(-10**9, 10**9) for _ in range(300)))
    word_file = tmp_path / "words.txt"
    # CRLF line ends on some lines: TensorFlow drops the '\r'.
    word_file.write_bytes(b"".join(w + (b"\r\n" if i % 3 == 0 else b"\n") for i, w in enumerate(vocab_words)))
    number_file = tmp_path / "numbers.txt"
    number_file.write_text("".join(f" {n}\n" if i % 5 == 0 else f"{n}\n" for i, n in enumerate(numbers)))
    batch = Batch()
    batch.ragged("w", "string", [[rng.choice(words) for _ in range(rng.randrange(0, 4))] for _ in range(N)])
    batch.dense("n", "int64", [[rng.choice(numbers + [-1, 7, 123])] for _ in range(N)])
    cases = [
        ({"kind": "vocab_list", "key": "w", "vocabulary": [w.hex() for w in vocab_words], "num_oov_buckets": 5},
         fc.categorical_column_with_vocabulary_list("w", vocab_words, num_oov_buckets=5)),
        ({"kind": "vocab_list", "key": "w", "vocabulary": [w.hex() for w in vocab_words], "default_value": 3},
         fc.categorical_column_with_vocabulary_list("w", vocab_words, default_value=3)),
        ({"kind": "vocab_list", "key": "n", "dtype": "int64", "vocabulary": numbers, "num_oov_buckets": 2},
         fc.categorical_column_with_vocabulary_list("n", numbers, num_oov_buckets=2)),
        ({"kind": "vocab_file", "key": "w", "path": str(word_file), "num_oov_buckets": 4},
         fc.categorical_column_with_vocabulary_file("w", str(word_file), num_oov_buckets=4)),
        ({"kind": "vocab_file", "key": "w", "path": str(word_file), "vocabulary_size": 100},
         fc.categorical_column_with_vocabulary_file("w", str(word_file), vocabulary_size=100)),
        ({"kind": "vocab_file", "key": "n", "path": str(number_file), "dtype": "int64", "num_oov_buckets": 3},
         fc.categorical_column_with_vocabulary_file("n", str(number_file), dtype=tf.int64, num_oov_buckets=3)),
    ]
    got = ours(tmp_path, test_bin_dir, batch, [spec for spec, _ in cases])
    for (spec, column), result in zip(cases, got):
        assert_same(result, theirs(column, batch))


def test_bucketized_identity_and_weighted_ids_equal_tensorflows(tmp_path, test_bin_dir):
    rng = random.Random(3)
    boundaries = [-1.5, 0.0, 0.1, 0.2, 1e3]
    specials = boundaries + [math.nan, math.inf, -math.inf, 0.1 + 1e-9, -0.0]
    rows = [[rng.choice(specials) if rng.random() < 0.3 else rng.uniform(-5, 2e3) for _ in range(3)]
            for _ in range(N)]
    batch = Batch()
    batch.dense("x", "float", rows)
    batch.dense("k", "int64", [[rng.randrange(-3, 12), rng.randrange(-3, 12)] for _ in range(N)])
    # The weights share the ids' indices, as weighted_categorical_column needs.
    id_rows = [[rng.randrange(0, 8) for _ in range(rng.randrange(0, 3))] for _ in range(N)]
    batch.ragged("id", "int64", id_rows)
    batch.ragged("w", "float", [[rng.uniform(0.5, 2) for _ in row] for row in id_rows])
    cases = [
        ({"kind": "bucketized", "key": "x", "dimension": 3, "boundaries": f32_hex(boundaries)},
         fc.bucketized_column(fc.numeric_column("x", shape=(3,)), boundaries)),
        ({"kind": "identity", "key": "k", "num_buckets": 10, "default_value": 9},
         fc.categorical_column_with_identity("k", 10, default_value=9)),
        ({"kind": "weighted", "column": {"kind": "identity", "key": "id", "num_buckets": 8}, "weight_key": "w"},
         fc.weighted_categorical_column(fc.categorical_column_with_identity("id", 8), "w")),
    ]
    got = ours(tmp_path, test_bin_dir, batch, [spec for spec, _ in cases])
    for (spec, column), result in zip(cases, got):
        assert_same(result, theirs(column, batch))


@pytest.mark.parametrize("contents,size,tf_message", [
    (b"a\nb\na\n", None, "HashTable has different value for same key. Key a has 0 and trying to add value 2"),
    (b"a\nb\r\nc\n\nd\n", None, "Invalid content in {path}: empty line found at position 8."),
    (b"a\nb\n", 3, "Invalid vocab_size in {path}: expected 3 but got 2"),
])
def test_vocabulary_file_errors_carry_tensorflows_message(tmp_path, test_bin_dir, contents, size, tf_message):
    path = tmp_path / "vocab.txt"
    path.write_bytes(contents)
    message = tf_message.format(path=path)
    batch = Batch()
    batch.dense("w", "string", [[b"a"]])
    with pytest.raises(tf.errors.OpError) as raised:
        theirs(fc.categorical_column_with_vocabulary_file("w", str(path), vocabulary_size=size), batch)
    assert message in str(raised.value)
    spec = {"kind": "vocab_file", "key": "w", "path": str(path)}
    if size is not None:
        spec["vocabulary_size"] = size
    [got] = ours(tmp_path, test_bin_dir, batch, [spec])
    assert message in got["error"] and "column 'w'" in got["error"]
