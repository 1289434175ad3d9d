# SPDX-License-Identifier: Apache-2.0
"""Wide & deep models with feature columns against real TF1 canned Estimators.

One feature-column spec (the JSON file our `estimator` CLI takes with
--feature_columns) is turned into tf.compat.v1.feature_column calls by
`tf_columns` (tf_feature_columns.py), column by column, by name. It uses every kind of column
on the Palmer penguins (data/penguins/penguins.csv with a `year_index` column
= year - 2007 for the identity column, see write_penguins): vocabulary lists
with and without OOV buckets, a hash bucket, an identity column, numeric,
bucketized, crossed (of columns and of a raw key), embedding, indicator and
weighted columns.

TF trains a DNNLinearCombinedClassifier (the species, by name) or Regressor
(the body mass) for STEPS steps on batches of BATCH rows in file order, with
no shuffling, from the CSV file or from the same rows as tf.train.Example
records; its first checkpoint, model.ckpt-0, seeds our model_dir, and our CLI
trains the same steps on the same batches of the same file. Every variable
(names, shapes, values) must match TF's; our evaluation and predictions must
match TF's on the same checkpoint; TF runs our SavedModel export to our
predictions; and TF trains on from our checkpoint."""
import json
import shutil

import numpy as np
import pytest
import tensorflow as tf

from conftest import run
from iris_data import DATA
from tf_feature_columns import tf_columns

PENGUINS = DATA / "penguins" / "penguins.csv"
SPECIES = ["Adelie", "Chinstrap", "Gentoo"]
BATCH = 32
STEPS = 10
ROWS = 342  # penguins.csv's 344 but the two without measurements
HIDDEN_UNITS = [8, 4]

# The file's columns and year_index, as CsvDataset reads them: NA or empty
# is the default ("" for strings, which feature columns treat as missing).
COLUMNS = {
    "species": "", "island": "", "bill_length_mm": 0.0, "bill_depth_mm": 0.0, "flipper_length_mm": 0.0,
    "body_mass_g": 0.0, "sex": "", "year": 0, "year_index": 0,
}
DTYPES = {str: tf.string, float: tf.float32, int: tf.int64}

SPEC = {
    "columns": {
        "island": {"categorical_column_with_vocabulary_list": {
            "key": "island", "vocabulary_list": ["Biscoe", "Dream", "Torgersen"]}},
        "sex_oov": {"categorical_column_with_vocabulary_list": {
            "key": "sex", "vocabulary_list": ["female"], "num_oov_buckets": 2}},
        "island_hash": {"categorical_column_with_hash_bucket": {"key": "island", "hash_bucket_size": 5}},
        "year": {"categorical_column_with_identity": {"key": "year_index", "num_buckets": 3}},
        "bill": {"numeric_column": {"key": "bill_length_mm", "default_value": 0.0}},
        "flipper": {"numeric_column": {"key": "flipper_length_mm"}},
        "flipper_buckets": {"bucketized_column": {"source_column": "flipper", "boundaries": [190.0, 205.0, 220.0]}},
        # "island" is a column; "sex" is no column's name, so the raw feature.
        "sex_x_island": {"crossed_column": {"keys": ["sex", "island"], "hash_bucket_size": 16}},
        "flipper_x_year": {"crossed_column": {"keys": ["flipper_buckets", "year"], "hash_bucket_size": 11}},
        "island_by_depth": {"weighted_categorical_column": {
            "categorical_column": "island", "weight_feature_key": "bill_depth_mm"}},
        "island_emb": {"embedding_column": {"categorical_column": "island", "dimension": 2}},
        "cross_emb": {"embedding_column": {"categorical_column": "sex_x_island", "dimension": 3}},
        "year_ind": {"indicator_column": {"categorical_column": "year"}},
        "sex_ind": {"indicator_column": {"categorical_column": "sex_oov"}},
    },
    "linear_feature_columns": ["island_hash", "sex_oov", "year", "flipper_buckets", "sex_x_island",
                               "flipper_x_year", "island_by_depth", "bill"],
    "dnn_feature_columns": ["island_emb", "cross_emb", "year_ind", "sex_ind", "bill", "flipper"],
}


def write_penguins(path):
    """penguins.csv with year_index (year - 2007) appended to each row,
    without the two rows that miss every measurement: TF's weighted column
    fails on a weight of 0 (the default of a missing one) in a dense feature.
    Missing sexes remain (NA: the feature is missing)."""
    lines = PENGUINS.read_text().splitlines()
    with open(path, "w") as f:
        f.write(lines[0] + ",year_index\n")
        for line in lines[1:]:
            if ",NA,NA,NA,NA," in line:
                continue
            f.write(line + "," + str(int(line.rsplit(",", 1)[1]) - 2007) + "\n")


def write_examples(csv, path):
    """The rows of `csv` as tf.train.Example records, in order: every column
    as a one-value feature, but a missing sex is no feature at all."""
    with open(csv) as f, tf.io.TFRecordWriter(str(path)) as writer:
        header = f.readline().strip().split(",")
        for line in f:
            feature = {}
            for name, value in zip(header, line.strip().split(",")):
                default = COLUMNS[name]
                if value == "NA":
                    continue
                if isinstance(default, str):
                    feature[name] = tf.train.Feature(bytes_list=tf.train.BytesList(value=[value.encode()]))
                elif isinstance(default, float):
                    feature[name] = tf.train.Feature(float_list=tf.train.FloatList(value=[float(value)]))
                else:
                    feature[name] = tf.train.Feature(int64_list=tf.train.Int64List(value=[int(value)]))
            writer.write(tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString())


# The spec's lists of model inputs (a canned estimator's, or wide & deep's).
INPUT_LISTS = ("feature_columns", "linear_feature_columns", "dnn_feature_columns")


def input_fn(files, input_format, label, epochs, spec=SPEC):
    """Batches of BATCH rows in file order (repeat before batch, as ours):
    (features, labels), or features alone without a label. A CSV file is read
    with CsvDataset; TFRecord files are parsed with `spec`'s
    make_parse_example_spec (categorical features come sparse)."""
    def fn():
        if input_format == "csv":
            defaults = [tf.constant([v], DTYPES[type(v)]) for v in COLUMNS.values()]
            dataset = tf.data.experimental.CsvDataset(str(files), defaults, header=True, na_value="NA")
            dataset = dataset.map(lambda *row: dict(zip(COLUMNS, row))).repeat(epochs).batch(BATCH)
        else:
            columns = [c for key in INPUT_LISTS if key in spec for c in tf_columns(spec, key)]
            parsing = tf.compat.v1.feature_column.make_parse_example_spec(columns)
            if label is not None:
                parsing[label] = tf.io.FixedLenFeature([], DTYPES[type(COLUMNS[label])])
            dataset = tf.data.TFRecordDataset(str(files)).repeat(epochs).batch(BATCH)
            dataset = dataset.map(lambda records: tf.io.parse_example(records, parsing))
        if label is None:
            return dataset
        return dataset.map(lambda features: (features, features.pop(label)))
    return fn


CASES = {
    "classifier": dict(
        label="species", flags=["--estimator", "DNNLinearCombinedClassifier", "--label_vocabulary", ",".join(SPECIES),
                                "--hidden_units", ",".join(map(str, HIDDEN_UNITS))],
        tf=lambda model_dir: tf.compat.v1.estimator.DNNLinearCombinedClassifier(
            model_dir=model_dir, linear_feature_columns=tf_columns(SPEC, "linear_feature_columns"),
            dnn_feature_columns=tf_columns(SPEC, "dnn_feature_columns"), dnn_hidden_units=HIDDEN_UNITS, n_classes=3,
            label_vocabulary=SPECIES, config=tf.estimator.RunConfig(tf_random_seed=5))),
    "regressor": dict(
        label="body_mass_g", flags=["--estimator", "DNNLinearCombinedRegressor",
                                    "--hidden_units", ",".join(map(str, HIDDEN_UNITS))],
        tf=lambda model_dir: tf.compat.v1.estimator.DNNLinearCombinedRegressor(
            model_dir=model_dir, linear_feature_columns=tf_columns(SPEC, "linear_feature_columns"),
            dnn_feature_columns=tf_columns(SPEC, "dnn_feature_columns"), dnn_hidden_units=HIDDEN_UNITS,
            config=tf.estimator.RunConfig(tf_random_seed=5))),
}


def seed_model_dir(tf_dir, ours):
    """A model_dir holding TF's model.ckpt-0 as its latest checkpoint."""
    ours.mkdir()
    for path in tf_dir.glob("model.ckpt-0.*"):
        shutil.copy(path, ours / path.name)
    (ours / "checkpoint").write_text('model_checkpoint_path: "model.ckpt-0"\n'
                                     'all_model_checkpoint_paths: "model.ckpt-0"\n')


def assert_same_variables(ours, theirs):
    """Same names, shapes and values (to float rounding) in two checkpoints."""
    mine = dict(tf.train.list_variables(str(ours)))
    tf_variables = dict(tf.train.list_variables(str(theirs)))
    assert sorted(mine) == sorted(tf_variables)
    a, b = tf.train.load_checkpoint(str(ours)), tf.train.load_checkpoint(str(theirs))
    for name, shape in tf_variables.items():
        assert mine[name] == shape, name
        np.testing.assert_allclose(a.get_tensor(name), b.get_tensor(name), rtol=1e-5, atol=1e-5, err_msg=name)


@pytest.mark.parametrize("input_format", ["csv", "tfrecord"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_wide_deep_trains_as_tf_does(case, input_format, bin_dir, tmp_path):
    """On the CSV file, or on the same rows as tf.train.Example records (TF
    itself trains to slightly different values from the two: its sparse and
    dense paths add in other orders)."""
    check_trains_as_tf_does(SPEC, CASES[case], case.endswith("classifier"), input_format, bin_dir, tmp_path)


def check_trains_as_tf_does(columns, spec, classifier, input_format, bin_dir, tmp_path):
    """TF's estimator `spec["tf"]` and our CLI (`spec["flags"]`) over the
    feature-column spec `columns` train, evaluate, predict, export and
    continue alike."""
    label = spec["label"]
    csv = tmp_path / "penguins.csv"
    write_penguins(csv)
    files = csv
    if input_format == "tfrecord":
        files = tmp_path / "penguins.tfrecord"
        write_examples(csv, files)
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps(columns))

    tf_dir = tmp_path / "tf"
    estimator = spec["tf"](str(tf_dir))
    estimator.train(input_fn(files, input_format, label, None, columns), steps=STEPS)
    assert (tf_dir / "model.ckpt-0.index").exists()
    tf_eval = estimator.evaluate(input_fn(files, input_format, label, 1, columns))
    tf_predictions = list(estimator.predict(input_fn(files, input_format, None, 1, columns)))

    ours = tmp_path / "ours"
    seed_model_dir(tf_dir, ours)
    data = ["--input_format", input_format, "--feature_columns", spec_file, "--label_column", label,
            "--batch_size", BATCH, *spec["flags"]]
    run([bin_dir / "estimator", "train", "--model_dir", ours, "--train_files", files, "--steps", STEPS, "--no_shuffle",
         *data])
    assert_same_variables(ours / f"model.ckpt-{STEPS}", tf_dir / f"model.ckpt-{STEPS}")

    # TF's `loss` is the mean of the batches' summed losses: the same batches.
    metrics = json.loads(run([bin_dir / "estimator", "evaluate", "--model_dir", ours, "--eval_files", files,
                              "--batch_size", BATCH, "--json"]).stdout)
    assert metrics["global_step"] == tf_eval["global_step"] == STEPS
    names = ("accuracy", "average_loss", "loss") if classifier else ("average_loss", "loss", "label/mean",
                                                                               "prediction/mean")
    for name in names:
        np.testing.assert_allclose(metrics[name], tf_eval[name], rtol=1e-5, atol=1e-6, err_msg=name)

    predicted = [json.loads(line) for line in run([bin_dir / "estimator", "predict", "--model_dir", ours,
                                                   "--predict_files", files, "--batch_size", BATCH,
                                                   "--json"]).stdout.splitlines()]
    assert len(predicted) == len(tf_predictions) == ROWS
    if classifier:
        assert [p["classes"][0] for p in predicted] == [t["classes"][0].decode() for t in tf_predictions]
        np.testing.assert_allclose([p["probabilities"] for p in predicted],
                                   [t["probabilities"] for t in tf_predictions], atol=1e-5)
    else:
        np.testing.assert_allclose([p["predictions"][0] for p in predicted],
                                   [t["predictions"][0] for t in tf_predictions], rtol=1e-5, atol=1e-3)

    if input_format == "tfrecord":
        # Our SavedModel export, run by TF on the serialized Examples, predicts
        # what our CLI predicted. (From CSV, TF's own crosses of a dense raw
        # feature and a column hash in another order than the serving graph's
        # parsed sparse features, so only TFRecord input is comparable.)
        export = run([bin_dir / "estimator", "export", "--model_dir", ours, "--export_dir", tmp_path / "export",
                      "--quiet"]).stdout.strip()
        records = [record.numpy() for record in tf.data.TFRecordDataset(str(files))]
        served = tf.saved_model.load(export).signatures["predict"](examples=tf.constant(records))
        if classifier:
            np.testing.assert_allclose(served["probabilities"].numpy(), [p["probabilities"] for p in predicted],
                                       atol=1e-5)
        else:
            np.testing.assert_allclose(served["predictions"].numpy()[:, 0], [p["predictions"][0] for p in predicted],
                                       rtol=1e-5, atol=1e-3)

    # TF trains on from our checkpoint: every variable and slot restored.
    copy = tmp_path / "tf_from_ours"
    shutil.copytree(ours, copy)
    spec["tf"](str(copy)).train(input_fn(files, input_format, label, None, columns), steps=3)
    assert int(tf.train.load_variable(str(copy), "global_step")) == STEPS + 3
