# SPDX-License-Identifier: Apache-2.0
"""TF1's canned DNNClassifier, DNNRegressor, LinearClassifier and
LinearRegressor over feature columns of every kind against real TF, with the
checks and data of test_wide_deep.py: the spec's "feature_columns" (our
`estimator --feature_columns SPEC.json`) as tf.compat.v1.feature_column
columns; from TF's model.ckpt-0 our CLI trains STEPS steps to TF's variables
(names, shapes, values, slots), evaluates and predicts as TF does, exports a
SavedModel TF runs, and TF trains on from our checkpoint."""
import pytest
import tensorflow as tf

from test_wide_deep import HIDDEN_UNITS, SPEC, SPECIES, check_trains_as_tf_does
from tf_feature_columns import tf_columns

# The DNN reads dense columns (embeddings of a vocabulary and of a cross,
# indicators of an identity and of a vocabulary with OOV buckets, numeric,
# bucketized); the linear model categorical ones (hash bucket, vocabulary with
# OOV, identity, bucketized, crosses, weighted), an indicator and a numeric one.
DNN_SPEC = {"columns": SPEC["columns"],
            "feature_columns": ["island_emb", "cross_emb", "year_ind", "sex_ind", "bill", "flipper",
                                "flipper_buckets"]}
LINEAR_SPEC = {"columns": SPEC["columns"],
               "feature_columns": ["island_hash", "sex_oov", "year", "flipper_buckets", "sex_x_island",
                                   "flipper_x_year", "island_by_depth", "bill", "year_ind"]}
CONFIG = tf.estimator.RunConfig(tf_random_seed=5)
DNN_FLAGS = ["--hidden_units", ",".join(map(str, HIDDEN_UNITS))]

CASES = {
    "DNNClassifier": (DNN_SPEC, dict(
        label="species", flags=["--estimator", "DNNClassifier", "--label_vocabulary", ",".join(SPECIES), *DNN_FLAGS],
        tf=lambda model_dir: tf.compat.v1.estimator.DNNClassifier(
            HIDDEN_UNITS, tf_columns(DNN_SPEC, "feature_columns"), model_dir=model_dir, n_classes=3,
            label_vocabulary=SPECIES, config=CONFIG))),
    "DNNRegressor": (DNN_SPEC, dict(
        label="body_mass_g", flags=["--estimator", "DNNRegressor", *DNN_FLAGS],
        tf=lambda model_dir: tf.compat.v1.estimator.DNNRegressor(
            HIDDEN_UNITS, tf_columns(DNN_SPEC, "feature_columns"), model_dir=model_dir, config=CONFIG))),
    "LinearClassifier": (LINEAR_SPEC, dict(
        label="species", flags=["--estimator", "LinearClassifier", "--label_vocabulary", ",".join(SPECIES)],
        tf=lambda model_dir: tf.compat.v1.estimator.LinearClassifier(
            tf_columns(LINEAR_SPEC, "feature_columns"), model_dir=model_dir, n_classes=3, label_vocabulary=SPECIES,
            config=CONFIG))),
    "LinearRegressor": (LINEAR_SPEC, dict(
        label="body_mass_g", flags=["--estimator", "LinearRegressor"],
        tf=lambda model_dir: tf.compat.v1.estimator.LinearRegressor(
            tf_columns(LINEAR_SPEC, "feature_columns"), model_dir=model_dir, config=CONFIG))),
}


@pytest.mark.parametrize("input_format", ["csv", "tfrecord"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_canned_estimator_over_feature_columns_trains_as_tf_does(case, input_format, bin_dir, tmp_path):
    columns, spec = CASES[case]
    check_trains_as_tf_does(columns, spec, case.endswith("Classifier"), input_format, bin_dir, tmp_path)
