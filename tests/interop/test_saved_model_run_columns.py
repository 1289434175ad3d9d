# SPDX-License-Identifier: Apache-2.0
"""SavedModel::Run against TensorFlow on canned Estimators over categorical
feature columns.

TF 2.15 trains tf.compat.v1.estimator DNNClassifier, LinearClassifier,
DNNLinearCombinedClassifier and DNNLinearCombinedRegressor a few steps on
the penguins (test_wide_deep.py's columns: vocabulary lists with and without
OOV buckets, a hash bucket, an identity column, numeric, bucketized, crossed,
weighted, embedding and indicator columns; and the indicator of a vocabulary
file with an OOV bucket, whose table the init op fills from the export's
assets) and exports each with the parsing receiver, whose graphs run the
sparse ops (SparseCross, SparseReshape,
SparseFillEmptyRows, SparseSegmentSum/Mean, SparseToDense, SegmentSum). Every
signature then runs the penguins as tf.train.Examples (a missing sex is no
feature) through our saved_model_run_driver and TF: class ids and names
equal, floats within test_saved_model_run's RELATIVE."""
import numpy as np
import pytest
import tensorflow as tf

from test_saved_model_run import check_every_signature
from test_wide_deep import SPEC, SPECIES, input_fn, write_examples, write_penguins
from tf_feature_columns import tf_columns

# A few steps move the weights off their initial values (zeros for the
# linear part); the comparison needs no well-trained model.
STEPS = 20
HIDDEN_UNITS = [8, 4]
CONFIG = tf.estimator.RunConfig(tf_random_seed=3)


def with_vocabulary_file(path):
    """SPEC and an indicator of the islands in the vocabulary file `path`
    for the DNN (the linear model has a column of key "island" already)."""
    columns = dict(SPEC["columns"])
    columns["island_file"] = {"categorical_column_with_vocabulary_file": {
        "key": "island", "vocabulary_file": str(path), "num_oov_buckets": 1}}
    columns["island_file_ind"] = {"indicator_column": {"categorical_column": "island_file"}}
    return {**SPEC, "columns": columns, "dnn_feature_columns": SPEC["dnn_feature_columns"] + ["island_file_ind"]}


ESTIMATORS = {
    "dnn_classifier": ("species", lambda model_dir, linear, dnn: tf.compat.v1.estimator.DNNClassifier(
        HIDDEN_UNITS, dnn, model_dir=model_dir, n_classes=3, label_vocabulary=SPECIES, config=CONFIG)),
    "linear_classifier": ("species", lambda model_dir, linear, dnn: tf.compat.v1.estimator.LinearClassifier(
        linear, model_dir=model_dir, n_classes=3, label_vocabulary=SPECIES, config=CONFIG)),
    "wide_deep_classifier": ("species", lambda model_dir, linear, dnn:
                             tf.compat.v1.estimator.DNNLinearCombinedClassifier(
                                 model_dir=model_dir, linear_feature_columns=linear, dnn_feature_columns=dnn,
                                 dnn_hidden_units=HIDDEN_UNITS, n_classes=3, label_vocabulary=SPECIES,
                                 config=CONFIG)),
    "wide_deep_regressor": ("body_mass_g", lambda model_dir, linear, dnn:
                            tf.compat.v1.estimator.DNNLinearCombinedRegressor(
                                model_dir=model_dir, linear_feature_columns=linear, dnn_feature_columns=dnn,
                                dnn_hidden_units=HIDDEN_UNITS, config=CONFIG)),
}


@pytest.fixture(scope="module")
def penguins(tmp_path_factory):
    """The penguins (test_wide_deep's rows) as a TFRecord file and as the
    serialized Examples every signature runs; the column spec, with a
    vocabulary file of two of the three islands."""
    root = tmp_path_factory.mktemp("penguins")
    write_penguins(root / "penguins.csv")
    write_examples(root / "penguins.csv", root / "penguins.tfrecord")
    records = [record.numpy() for record in tf.data.TFRecordDataset(str(root / "penguins.tfrecord"))]
    (root / "islands.txt").write_text("Biscoe\nDream\n")
    return root / "penguins.tfrecord", np.array(records, dtype=object), with_vocabulary_file(root / "islands.txt")


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
def test_every_signature_over_categorical_columns_gives_tf_outputs(name, penguins, test_bin_dir, tmp_path, capsys):
    tfrecord, records, spec = penguins
    label, make = ESTIMATORS[name]
    linear, dnn = tf_columns(spec, "linear_feature_columns"), tf_columns(spec, "dnn_feature_columns")
    estimator = make(str(tmp_path / "model"), linear, dnn)
    estimator.train(input_fn(tfrecord, "tfrecord", label, epochs=None, spec=spec), steps=STEPS)
    receiver = tf.estimator.export.build_parsing_serving_input_receiver_fn(
        tf.compat.v1.feature_column.make_parse_example_spec(linear + dnn))
    path = estimator.export_saved_model(str(tmp_path / "export"), receiver).decode()
    check_every_signature(test_bin_dir / "saved_model_run_driver", path, name, len(records), lambda spec: records,
                          capsys)
