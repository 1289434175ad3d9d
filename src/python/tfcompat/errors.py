# SPDX-License-Identifier: Apache-2.0
"""The exceptions tfcompat raises, named and numbered like TensorFlow's
``tf.errors``: every failure of the C++ library (a Status) arrives as the
subclass of :class:`OpError` for its code, with the library's message::

    try:
        tfcompat.train.load_checkpoint("missing/model.ckpt-1")
    except tfcompat.errors.NotFoundError as e:
        print(e.error_code, e.message)  # 5 The passed save_path is not a valid checkpoint: missing/model.ckpt-1
"""

OK = 0
CANCELLED = 1
UNKNOWN = 2
INVALID_ARGUMENT = 3
DEADLINE_EXCEEDED = 4
NOT_FOUND = 5
ALREADY_EXISTS = 6
PERMISSION_DENIED = 7
RESOURCE_EXHAUSTED = 8
FAILED_PRECONDITION = 9
ABORTED = 10
OUT_OF_RANGE = 11
UNIMPLEMENTED = 12
INTERNAL = 13
UNAVAILABLE = 14
DATA_LOSS = 15
UNAUTHENTICATED = 16


class OpError(Exception):
    """The base of tfcompat's errors (TF's ``tf.errors.OpError``).

    ``node_def`` and ``op`` are always None (there is no graph op); they are
    kept so that code written for TF's errors runs unchanged.
    """

    def __init__(self, node_def, op, message, error_code):
        super().__init__(message)
        self._node_def = node_def
        self._op = op
        self._message = message
        self._error_code = error_code

    @property
    def message(self):
        """The error message, as the C++ library words it."""
        return self._message

    @property
    def error_code(self):
        """The code, one of this module's constants (``NOT_FOUND``, ...)."""
        return self._error_code

    @property
    def node_def(self):
        return self._node_def

    @property
    def op(self):
        return self._op

    def __str__(self):
        return self._message

    def __reduce__(self):
        if type(self) is OpError:
            return OpError, (self._node_def, self._op, self._message, self._error_code)
        return type(self), (self._node_def, self._op, self._message)


def _subclass(name, code, doc):
    def __init__(self, node_def, op, message, *args):
        OpError.__init__(self, node_def, op, message, code)

    return type(name, (OpError,), {"__init__": __init__, "__doc__": doc, "__module__": __name__})


CancelledError = _subclass("CancelledError", CANCELLED, "An operation was cancelled.")
UnknownError = _subclass("UnknownError", UNKNOWN, "An error of no other kind (an unexpected system error).")
InvalidArgumentError = _subclass("InvalidArgumentError", INVALID_ARGUMENT,
                                 "An argument was invalid (a dtype, a shape, a name).")
DeadlineExceededError = _subclass("DeadlineExceededError", DEADLINE_EXCEEDED, "A deadline passed.")
NotFoundError = _subclass("NotFoundError", NOT_FOUND, "A file or a tensor was not found.")
AlreadyExistsError = _subclass("AlreadyExistsError", ALREADY_EXISTS, "A file or an entry already exists.")
PermissionDeniedError = _subclass("PermissionDeniedError", PERMISSION_DENIED, "The caller may not do this.")
ResourceExhaustedError = _subclass("ResourceExhaustedError", RESOURCE_EXHAUSTED,
                                   "A limit was reached (a full disk, a tensor too large).")
FailedPreconditionError = _subclass("FailedPreconditionError", FAILED_PRECONDITION,
                                    "The system is not in a state to do this.")
AbortedError = _subclass("AbortedError", ABORTED, "An operation was aborted.")
OutOfRangeError = _subclass("OutOfRangeError", OUT_OF_RANGE, "An operation went past a valid range.")
UnimplementedError = _subclass("UnimplementedError", UNIMPLEMENTED, "This is not supported.")
InternalError = _subclass("InternalError", INTERNAL, "An internal invariant was broken.")
UnavailableError = _subclass("UnavailableError", UNAVAILABLE, "A service is unavailable.")
DataLossError = _subclass("DataLossError", DATA_LOSS, "Data was lost or corrupted (a bad checksum, a cut file).")
UnauthenticatedError = _subclass("UnauthenticatedError", UNAUTHENTICATED, "The caller is not authenticated.")

_CLASSES = {
    cls(None, None, "").error_code: cls
    for cls in (CancelledError, UnknownError, InvalidArgumentError, DeadlineExceededError, NotFoundError,
                AlreadyExistsError, PermissionDeniedError, ResourceExhaustedError, FailedPreconditionError,
                AbortedError, OutOfRangeError, UnimplementedError, InternalError, UnavailableError,
                DataLossError, UnauthenticatedError)
}


def exception_type_from_error_code(error_code):
    """The class for a code (TF's function of the same name)."""
    return _CLASSES[error_code]


def _from_status(code, message):
    """The exception for a C++ Status (the extension module's translator)."""
    cls = _CLASSES.get(code)
    if cls is None:
        return OpError(None, None, message, code)
    return cls(None, None, message)
