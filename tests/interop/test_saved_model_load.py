# SPDX-License-Identifier: Apache-2.0
"""Our SavedModel exports under `tf.saved_model.load`, in whichever TensorFlow
runs this file: TF 2.15 (ctest interop_saved_model_load, venv tf) and the
newest TensorFlow (interop_saved_model_load_tf_latest, venv tf-latest: TF
2.16 and later ship no tf.estimator and load a TF1 SavedModel only through
load_v1_in_v2).

For every model of saved_model_common.MODELS and both receivers, every
signature runs on the Iris test set and gives our own Estimator::Predict's
outputs (which test_saved_model.py checks against TF 2.15's
Estimator.predict), with TF's names, dtypes and shapes."""
import pytest
import tensorflow as tf

from saved_model_common import (MODELS, TOLERANCE, expected_signatures, iris, max_difference, run_signatures,
                                 train_and_export)


@pytest.fixture(scope="module")
def exports(tmp_path_factory, test_bin_dir):
    return train_and_export(tmp_path_factory.mktemp("saved_model"), test_bin_dir)


@pytest.mark.parametrize("receiver", ["parsing", "raw"])
@pytest.mark.parametrize("name", MODELS)
def test_every_signature_gives_our_predictions(exports, name, receiver, capsys):
    export = exports[name]
    x, _ = iris("iris_test.csv")
    outputs = run_signatures(getattr(export, receiver), x)
    worst = max_difference(outputs, expected_signatures(MODELS[name], export.predictions, receiver))
    with capsys.disabled():
        print(f"\nTF {tf.__version__}, {name}, {receiver}: signatures {sorted(outputs)}, "
              f"max |tf.saved_model.load - our Predict| {worst:.3g}")
    assert worst <= TOLERANCE
