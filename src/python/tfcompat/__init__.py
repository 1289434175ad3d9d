# SPDX-License-Identifier: Apache-2.0
"""tfcompat: TensorFlow's checkpoints and TensorBoard logs without TensorFlow.

    import tfcompat
    reader = tfcompat.train.load_checkpoint("model_dir")
    print(reader.get_variable_to_shape_map())

:mod:`tfcompat.train` reads and writes checkpoints; ``tfcompat.SummaryWriter``
(:mod:`tfcompat.summary`) writes TensorBoard logs with tensorboardX's API; :mod:`tfcompat.errors`
holds the exceptions (also exported here: ``tfcompat.NotFoundError``, ...);
:mod:`tfcompat.dtypes` maps dtypes to numpy. See docs/python.md.
"""

from . import errors
from . import dtypes
from . import train
from . import summary
from .summary import SummaryWriter
from ._tfcompat import __version__
from .errors import (AbortedError, AlreadyExistsError, CancelledError, DataLossError, DeadlineExceededError,
                     FailedPreconditionError, InternalError, InvalidArgumentError, NotFoundError, OpError,
                     OutOfRangeError, PermissionDeniedError, ResourceExhaustedError, UnauthenticatedError,
                     UnavailableError, UnimplementedError, UnknownError)

__all__ = ["errors", "dtypes", "train", "summary", "SummaryWriter", "__version__", "OpError", "AbortedError", "AlreadyExistsError",
           "CancelledError", "DataLossError", "DeadlineExceededError", "FailedPreconditionError", "InternalError",
           "InvalidArgumentError", "NotFoundError", "OutOfRangeError", "PermissionDeniedError",
           "ResourceExhaustedError", "UnauthenticatedError", "UnavailableError", "UnimplementedError",
           "UnknownError"]
