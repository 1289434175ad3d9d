# SPDX-License-Identifier: Apache-2.0
"""numpy dtypes for checkpoint dtypes (TF's DataType names) and back.

Every dtype a checkpoint stores as element bytes has a numpy dtype of the
same name, except:

* ``bfloat16``: ``ml_dtypes.bfloat16`` when ml_dtypes is installed (the
  type TensorFlow's own reader returns); without it, tensors are read as
  ``float32`` (exactly: every bfloat16 is a float32) and :data:`bfloat16` is
  None. Writing bfloat16 needs ml_dtypes.
* ``qint8``, ``quint8``, ``qint16``, ``quint16``, ``qint32``: read as
  ``int8``, ``uint8``, ``int16``, ``uint16``, ``int32`` (the same bytes).
* ``string``: a numpy object array of ``bytes``.
"""

import numpy as np

try:
    import ml_dtypes as _ml_dtypes
except ImportError:  # pragma: no cover - depends on the environment
    _ml_dtypes = None

#: ``ml_dtypes.bfloat16`` as a numpy dtype, or None without ml_dtypes.
bfloat16 = np.dtype(_ml_dtypes.bfloat16) if _ml_dtypes is not None else None

_FIXED_WIDTH = {
    name: np.dtype(name)
    for name in ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                 "uint64", "bool", "complex64", "complex128")
}
_QUANTIZED = {"qint8": "int8", "quint8": "uint8", "qint16": "int16", "quint16": "uint16", "qint32": "int32"}


def as_numpy_dtype(name):
    """The numpy dtype tfcompat reads a tensor of dtype NAME as."""
    if name in _FIXED_WIDTH:
        return _FIXED_WIDTH[name].newbyteorder("<")
    if name == "bfloat16":
        return bfloat16 if bfloat16 is not None else np.dtype("<f4")
    if name in _QUANTIZED:
        return np.dtype(_QUANTIZED[name]).newbyteorder("<")
    if name == "string":
        return np.dtype(object)
    raise TypeError(f"tfcompat cannot represent checkpoint dtype {name} in numpy")


def from_bytes(name, shape, data):
    """The numpy value of a tensor read (dtype NAME, SHAPE, DATA from the
    extension module): a view of DATA's bytes, with no copy, except for
    strings and for bfloat16 without ml_dtypes. A scalar comes back as a
    numpy scalar, or ``bytes`` for a string, as TensorFlow's reader returns."""
    if name == "string":
        array = np.empty(len(data), dtype=object)
        array[:] = data
    elif name == "bfloat16" and bfloat16 is None:
        array = (data.view("<u2").astype(np.uint32) << 16).view("<f4")
    else:
        array = data.view(as_numpy_dtype(name))
    array = array.reshape(shape)
    return array[()] if array.ndim == 0 else array


def to_bytes(name, value):
    """(dtype name, shape, data) of VALUE for the extension module: data is a
    uint8 view of VALUE's bytes (no copy when VALUE is a C-contiguous,
    little-endian array), or a list of bytes for strings (str is encoded as
    UTF-8). NAME is the tensor's name, for the error messages."""
    array = np.asarray(value)
    shape = list(array.shape)
    if array.dtype == object or array.dtype.kind in "SU":
        items = []
        for item in array.reshape(-1):
            if isinstance(item, str):
                item = item.encode("utf-8")
            elif isinstance(item, np.bytes_):
                item = bytes(item)
            if not isinstance(item, bytes):
                raise TypeError(f"tensor {name}: a string tensor holds bytes or str, got {type(item).__name__}")
            items.append(item)
        return "string", shape, items
    if bfloat16 is not None and array.dtype == bfloat16:
        dtype_name = "bfloat16"
    elif array.dtype.name in _FIXED_WIDTH:
        dtype_name = array.dtype.name
    else:
        raise TypeError(f"tensor {name}: numpy dtype {array.dtype} has no checkpoint dtype")
    if array.dtype.byteorder == ">":
        array = array.astype(array.dtype.newbyteorder("<"))
    data = np.ascontiguousarray(array).reshape(-1).view(np.uint8)
    return dtype_name, shape, data
