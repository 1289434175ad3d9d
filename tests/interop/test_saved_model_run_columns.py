# SPDX-License-Identifier: Apache-2.0
"""SavedModel::Run against TensorFlow on canned Estimators over categorical
feature columns.

TF 2.15 trains tf.compat.v1.estimator DNNClassifier, LinearClassifier,
DNNLinearCombinedClassifier and DNNLinearCombinedRegressor a few steps on
the penguins (test_wide_deep.py's columns: vocabulary lists with and without
OOV buckets, a hash bucket, an identity column, numeric, bucketized, crossed,
weighted, embedding and indicator columns) and exports each with the parsing
receiver, whose graphs run the sparse ops (SparseCross, SparseReshape,
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


def linear():
    return tf_columns(SPEC, "linear_feature_columns")


def dnn():
    return tf_columns(SPEC, "dnn_feature_columns")


ESTIMATORS = {
    "dnn_classifier": ("species", lambda model_dir: tf.compat.v1.estimator.DNNClassifier(
        HIDDEN_UNITS, dnn(), model_dir=model_dir, n_classes=3, label_vocabulary=SPECIES, config=CONFIG)),
    "linear_classifier": ("species", lambda model_dir: tf.compat.v1.estimator.LinearClassifier(
        linear(), model_dir=model_dir, n_classes=3, label_vocabulary=SPECIES, config=CONFIG)),
    "wide_deep_classifier": ("species", lambda model_dir: tf.compat.v1.estimator.DNNLinearCombinedClassifier(
        model_dir=model_dir, linear_feature_columns=linear(), dnn_feature_columns=dnn(),
        dnn_hidden_units=HIDDEN_UNITS, n_classes=3, label_vocabulary=SPECIES, config=CONFIG)),
    "wide_deep_regressor": ("body_mass_g", lambda model_dir: tf.compat.v1.estimator.DNNLinearCombinedRegressor(
        model_dir=model_dir, linear_feature_columns=linear(), dnn_feature_columns=dnn(),
        dnn_hidden_units=HIDDEN_UNITS, config=CONFIG)),
}


@pytest.fixture(scope="module")
def penguins(tmp_path_factory):
    """The penguins (test_wide_deep's rows) as a TFRecord file and as the
    serialized Examples every signature runs."""
    root = tmp_path_factory.mktemp("penguins")
    write_penguins(root / "penguins.csv")
    write_examples(root / "penguins.csv", root / "penguins.tfrecord")
    records = [record.numpy() for record in tf.data.TFRecordDataset(str(root / "penguins.tfrecord"))]
    return root / "penguins.tfrecord", np.array(records, dtype=object)


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
def test_every_signature_over_categorical_columns_gives_tf_outputs(name, penguins, test_bin_dir, tmp_path, capsys):
    tfrecord, records = penguins
    label, make = ESTIMATORS[name]
    estimator = make(str(tmp_path / "model"))
    estimator.train(input_fn(tfrecord, "tfrecord", label, epochs=None), steps=STEPS)
    receiver = tf.estimator.export.build_parsing_serving_input_receiver_fn(
        tf.compat.v1.feature_column.make_parse_example_spec(
            [c for key in ("linear_feature_columns", "dnn_feature_columns") for c in tf_columns(SPEC, key)]))
    path = estimator.export_saved_model(str(tmp_path / "export"), receiver).decode()
    check_every_signature(test_bin_dir / "saved_model_run_driver", path, name, len(records), lambda spec: records,
                          capsys)
