// SPDX-License-Identifier: Apache-2.0
// A TensorProto (a Const node's value) as a Tensor.
#ifndef TFCOMPAT_SRC_SAVED_MODEL_TENSOR_PROTO_H_
#define TFCOMPAT_SRC_SAVED_MODEL_TENSOR_PROTO_H_

#include <cstdint>

#include "tfcompat/base/status.h"
#include "tfcompat/checkpoint/tensor.h"
#include "tfcompat/tensorflow/tensor.pb.h"

namespace tfcompat::saved_model {

// The tensor: tensor_content (little-endian element bytes) or the typed
// repeated field of its dtype (float_val, int_val, int64_val, string_val,
// ...), where fewer values than elements repeat the last one, as TF's
// Tensor::FromProto does, and none means zeros. The declared shape is
// checked against `max_bytes` before anything is allocated: a proto of a few
// bytes may declare a shape of terabytes. InvalidArgument saying what is
// wrong (the caller adds the node).
StatusOr<Tensor> TensorFromProto(const tensorflow::TensorProto& proto, uint64_t max_bytes);

}  // namespace tfcompat::saved_model

#endif  // TFCOMPAT_SRC_SAVED_MODEL_TENSOR_PROTO_H_
