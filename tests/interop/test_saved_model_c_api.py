# SPDX-License-Identifier: Apache-2.0
"""Our SavedModel exports through TF Serving's loader: TensorFlow's C API,
called with ctypes from the wheel's libtensorflow_cc.so.2 (it exports
TF_LoadSessionFromSavedModel and TF_SessionRun; the tensor and status
functions come from libtensorflow_framework.so.2, which it links). Run by TF
2.15 (ctest interop_saved_model_c_api) and the newest TF
(interop_saved_model_c_api_tf_latest).

TF_LoadSessionFromSavedModel (tags {"serve"}) is tensorflow::LoadSavedModel,
the C++ loader of TF Serving's SavedModelBundle: it reads saved_model.pb,
imports the graph into a session, restores the variables by running the
Saver's restore op on `<export>/variables/variables` and runs the main op. The
test then feeds each signature's input tensors, named as the MetaGraphDef the
loader returned says (TF Serving's way: it knows no Python), with
TF_SessionRun: the raw receiver's float placeholders, or the parsing
receiver's serialized tf.Examples as a TF_STRING tensor of TF_TStrings. Every
signature's outputs must be our own Estimator::Predict's, for every model of
saved_model_common.MODELS and both receivers."""
import ctypes
import importlib.util
import pathlib

import numpy as np
import pytest
import tensorflow as tf
from tensorflow.core.protobuf import meta_graph_pb2

from saved_model_common import (MODELS, NAMES, TOLERANCE, example_protos, expected_signatures, iris, max_difference,
                                 train_and_export)

# TF_DataType (tensorflow/c/tf_datatype.h) of the tensors the signatures use.
TF_FLOAT, TF_INT32, TF_STRING, TF_INT64 = 1, 3, 7, 9
NUMPY_TYPES = {TF_FLOAT: np.float32, TF_INT32: np.int32, TF_INT64: np.int64}
# sizeof(TF_TString): the 24-byte union of tsl/platform/ctstring_internal.h.
TSTRING_SIZE = 24
TF_OK = 0


class Buffer(ctypes.Structure):
    """TF_Buffer."""
    _fields_ = [("data", ctypes.c_void_p), ("length", ctypes.c_size_t), ("data_deallocator", ctypes.c_void_p)]


class Output(ctypes.Structure):
    """TF_Output: an operation's output."""
    _fields_ = [("oper", ctypes.c_void_p), ("index", ctypes.c_int)]


P = ctypes.c_void_p
SIGNATURES = {
    "TF_NewStatus": (P, []),
    "TF_DeleteStatus": (None, [P]),
    "TF_GetCode": (ctypes.c_int, [P]),
    "TF_Message": (ctypes.c_char_p, [P]),
    "TF_NewGraph": (P, []),
    "TF_DeleteGraph": (None, [P]),
    "TF_NewSessionOptions": (P, []),
    "TF_DeleteSessionOptions": (None, [P]),
    "TF_NewBuffer": (ctypes.POINTER(Buffer), []),
    "TF_DeleteBuffer": (None, [ctypes.POINTER(Buffer)]),
    "TF_LoadSessionFromSavedModel": (P, [P, P, ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, P,
                                         ctypes.POINTER(Buffer), P]),
    "TF_CloseSession": (None, [P, P]),
    "TF_DeleteSession": (None, [P, P]),
    "TF_GraphOperationByName": (P, [P, ctypes.c_char_p]),
    "TF_SessionRun": (None, [P, P, ctypes.POINTER(Output), ctypes.POINTER(P), ctypes.c_int, ctypes.POINTER(Output),
                             ctypes.POINTER(P), ctypes.c_int, P, ctypes.c_int, P, P]),
    "TF_AllocateTensor": (P, [ctypes.c_int, ctypes.POINTER(ctypes.c_int64), ctypes.c_int, ctypes.c_size_t]),
    "TF_DeleteTensor": (None, [P]),
    "TF_TensorData": (P, [P]),
    "TF_TensorByteSize": (ctypes.c_size_t, [P]),
    "TF_TensorType": (ctypes.c_int, [P]),
    "TF_NumDims": (ctypes.c_int, [P]),
    "TF_Dim": (ctypes.c_int64, [P, ctypes.c_int]),
    "TF_StringInit": (None, [P]),
    "TF_StringAssignView": (None, [P, ctypes.c_char_p, ctypes.c_size_t]),
    "TF_StringGetDataPointer": (P, [P]),
    "TF_StringGetSize": (ctypes.c_size_t, [P]),
}


@pytest.fixture(scope="module")
def c_api():
    """The C API of the installed TensorFlow wheel."""
    package = pathlib.Path(importlib.util.find_spec("tensorflow").submodule_search_locations[0])
    lib = ctypes.CDLL(str(package / "libtensorflow_cc.so.2"))
    for name, (restype, argtypes) in SIGNATURES.items():
        function = getattr(lib, name)
        function.restype, function.argtypes = restype, argtypes
    return lib


def check(c_api, status, what):
    if c_api.TF_GetCode(status) != TF_OK:
        pytest.fail(f"{what}: {c_api.TF_Message(status).decode()}")


def float_tensor(c_api, values):
    values = np.ascontiguousarray(values, np.float32)
    dims = (ctypes.c_int64 * 1)(len(values))
    tensor = c_api.TF_AllocateTensor(TF_FLOAT, dims, 1, values.nbytes)
    ctypes.memmove(c_api.TF_TensorData(tensor), values.ctypes.data, values.nbytes)
    return tensor


def string_tensor(c_api, strings):
    """A TF_STRING vector whose TF_TStrings view `strings` (which must outlive
    it): views own nothing, so deleting the tensor frees all."""
    dims = (ctypes.c_int64 * 1)(len(strings))
    tensor = c_api.TF_AllocateTensor(TF_STRING, dims, 1, TSTRING_SIZE * len(strings))
    data = c_api.TF_TensorData(tensor)
    for i, value in enumerate(strings):
        c_api.TF_StringInit(data + TSTRING_SIZE * i)
        c_api.TF_StringAssignView(data + TSTRING_SIZE * i, value, len(value))
    return tensor


def to_numpy(c_api, tensor):
    shape = tuple(c_api.TF_Dim(tensor, i) for i in range(c_api.TF_NumDims(tensor)))
    data = c_api.TF_TensorData(tensor)
    dtype = c_api.TF_TensorType(tensor)
    if dtype == TF_STRING:
        count = int(np.prod(shape, dtype=np.int64))
        values = [ctypes.string_at(c_api.TF_StringGetDataPointer(data + TSTRING_SIZE * i),
                                   c_api.TF_StringGetSize(data + TSTRING_SIZE * i)) for i in range(count)]
        return np.array(values, object).reshape(shape)
    raw = ctypes.string_at(data, c_api.TF_TensorByteSize(tensor))
    return np.frombuffer(raw, NUMPY_TYPES[dtype]).reshape(shape).copy()


def tensor_output(c_api, graph, tensor_name):
    """The TF_Output of `op:index`."""
    op_name, index = tensor_name.rsplit(":", 1)
    oper = c_api.TF_GraphOperationByName(graph, op_name.encode())
    assert oper, f"no operation {op_name} in the loaded graph"
    return Output(oper, int(index))


def load_and_run(c_api, export_dir, x):
    """{signature: {output: array}}: every signature of the SavedModel at
    `export_dir`, loaded by TF_LoadSessionFromSavedModel, run on the rows `x`."""
    status, graph, options = c_api.TF_NewStatus(), c_api.TF_NewGraph(), c_api.TF_NewSessionOptions()
    meta_graph_buffer = c_api.TF_NewBuffer()
    tags = (ctypes.c_char_p * 1)(b"serve")
    session = c_api.TF_LoadSessionFromSavedModel(options, None, str(export_dir).encode(), tags, 1, graph,
                                                 meta_graph_buffer, status)
    check(c_api, status, f"TF_LoadSessionFromSavedModel({export_dir})")
    meta_graph = meta_graph_pb2.MetaGraphDef.FromString(
        ctypes.string_at(meta_graph_buffer.contents.data, meta_graph_buffer.contents.length))
    c_api.TF_DeleteBuffer(meta_graph_buffer)
    examples = example_protos(x)
    results = {}
    for key, signature in meta_graph.signature_def.items():
        inputs, values = [], []
        for input_key, info in signature.inputs.items():
            inputs.append(tensor_output(c_api, graph, info.name))
            values.append(float_tensor(c_api, x[:, NAMES.index(input_key)]) if input_key in NAMES else
                          string_tensor(c_api, examples))
        output_keys = list(signature.outputs)
        outputs = [tensor_output(c_api, graph, signature.outputs[k].name) for k in output_keys]
        output_values = (P * len(outputs))()
        c_api.TF_SessionRun(session, None, (Output * len(inputs))(*inputs), (P * len(values))(*values), len(inputs),
                            (Output * len(outputs))(*outputs), output_values, len(outputs), None, 0, None, status)
        for tensor in values:
            c_api.TF_DeleteTensor(tensor)
        check(c_api, status, f"TF_SessionRun of signature {key}")
        results[key] = {k: to_numpy(c_api, t) for k, t in zip(output_keys, output_values)}
        for tensor in output_values:
            c_api.TF_DeleteTensor(tensor)
    c_api.TF_CloseSession(session, status)
    check(c_api, status, "TF_CloseSession")
    c_api.TF_DeleteSession(session, status)
    c_api.TF_DeleteGraph(graph)
    c_api.TF_DeleteSessionOptions(options)
    c_api.TF_DeleteStatus(status)
    return results


@pytest.fixture(scope="module")
def exports(tmp_path_factory, test_bin_dir):
    return train_and_export(tmp_path_factory.mktemp("saved_model"), test_bin_dir)


@pytest.mark.parametrize("receiver", ["parsing", "raw"])
@pytest.mark.parametrize("name", MODELS)
def test_tf_c_api_loader_gives_our_predictions(c_api, exports, name, receiver, capsys):
    export = exports[name]
    x, _ = iris("iris_test.csv")
    outputs = load_and_run(c_api, getattr(export, receiver), x)
    worst = max_difference(outputs, expected_signatures(MODELS[name], export.predictions, receiver))
    with capsys.disabled():
        print(f"\nTF {tf.__version__} C API, {name}, {receiver}: signatures {sorted(outputs)}, "
              f"max |TF_SessionRun - our Predict| {worst:.3g}")
    assert worst <= TOLERANCE
