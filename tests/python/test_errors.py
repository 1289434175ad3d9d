# SPDX-License-Identifier: Apache-2.0
"""tfcompat.errors: a C++ Status arrives as the tf.errors-named class of its
code, carrying the code and the message."""
import pickle

import pytest

import tfcompat
from tfcompat import _tfcompat, errors

# TensorFlow's error classes and codes (tensorflow/core/protobuf/error_codes.proto).
TF_CLASSES = {
    "CancelledError": 1, "UnknownError": 2, "InvalidArgumentError": 3, "DeadlineExceededError": 4,
    "NotFoundError": 5, "AlreadyExistsError": 6, "PermissionDeniedError": 7, "ResourceExhaustedError": 8,
    "FailedPreconditionError": 9, "AbortedError": 10, "OutOfRangeError": 11, "UnimplementedError": 12,
    "InternalError": 13, "UnavailableError": 14, "DataLossError": 15, "UnauthenticatedError": 16,
}


@pytest.mark.parametrize("name,code", sorted(TF_CLASSES.items()))
def test_a_status_raises_the_class_of_its_code(name, code):
    with pytest.raises(errors.OpError) as info:
        _tfcompat._raise_status(code, f"message of {name}")
    assert type(info.value) is getattr(errors, name)
    assert info.value.error_code == code
    assert info.value.message == f"message of {name}"
    assert str(info.value) == f"message of {name}"


@pytest.mark.parametrize("name", sorted(TF_CLASSES))
def test_the_classes_are_exported_at_the_top_level(name):
    assert getattr(tfcompat, name) is getattr(errors, name)
    assert issubclass(getattr(tfcompat, name), tfcompat.OpError)


def test_a_code_tensorflow_does_not_name_raises_op_error():
    with pytest.raises(errors.OpError) as info:
        _tfcompat._raise_status(99, "odd")
    assert type(info.value) is errors.OpError
    assert info.value.error_code == 99


def test_exception_type_from_error_code_matches_the_constants():
    assert errors.exception_type_from_error_code(errors.NOT_FOUND) is errors.NotFoundError
    assert errors.exception_type_from_error_code(errors.DATA_LOSS) is errors.DataLossError


def test_errors_survive_pickling():
    error = errors.DataLossError(None, None, "checksum mismatch")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is errors.DataLossError
    assert (copy.error_code, copy.message) == (errors.DATA_LOSS, "checksum mismatch")
    base = pickle.loads(pickle.dumps(errors.OpError(None, None, "m", 42)))
    assert (type(base), base.error_code, base.message) == (errors.OpError, 42, "m")
