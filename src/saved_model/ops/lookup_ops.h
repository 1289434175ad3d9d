// SPDX-License-Identifier: Apache-2.0
// Hash tables (TF's lookup_table_op.cc): the tables vocabulary columns look
// their values up in. A HashTableV2 node is a table the init op fills
// (LookupTableImportV2 of keys and values) before any run; the serving graph
// then only reads it, with LookupTableFindV2 and LookupTableSizeV2. Keys are
// strings or int64 and values int64 (the tables index_table_from_tensor
// makes), or int64 keys and string values (index_to_string_table_from_tensor:
// a classifier head's class names from its label_vocabulary).
//
// Usage:
//   TFCOMPAT_ASSIGN_OR_RETURN(LookupTable table,
//                             LookupTable::Import(DataType::kString, DataType::kInt64, keys, values));
//   TFCOMPAT_ASSIGN_OR_RETURN(Tensor ids, table.Find(words, minus_one));  // words' shape
#ifndef TFCOMPAT_SRC_SAVED_MODEL_OPS_LOOKUP_OPS_H_
#define TFCOMPAT_SRC_SAVED_MODEL_OPS_LOOKUP_OPS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "saved_model/ops/kernel.h"
#include "tfcompat/base/status.h"
#include "tfcompat/checkpoint/tensor.h"

namespace tfcompat::saved_model {

class LookupTable {
 public:
  // A table of `keys` -> `values` (the same shape, element by element), as
  // LookupTableImportV2 fills a HashTableV2: Unimplemented for dtypes other
  // than string or int64 keys and int64 values, or int64 keys and string
  // values; InvalidArgument TF's "Key
  // must be type string but got int64" and "Expected shape [3] for value,
  // got [2]"; FailedPrecondition TF's "HashTable has different value for
  // same key. Key k has 1 and trying to add value 2".
  static StatusOr<LookupTable> Import(DataType key_dtype, DataType value_dtype, const Tensor& keys,
                                      const Tensor& values);

  DataType key_dtype() const { return key_dtype_; }
  DataType value_dtype() const { return value_dtype_; }
  int64_t size() const;

  // Each key's value, `default_value` for a key the table lacks: a tensor of
  // `keys`' shape. `default_value` is a scalar, or one value per key.
  StatusOr<Tensor> Find(const Tensor& keys, const Tensor& default_value) const;

 private:
  LookupTable(DataType key_dtype, DataType value_dtype) : key_dtype_(key_dtype), value_dtype_(value_dtype) {}

  DataType key_dtype_;
  DataType value_dtype_;
  // One of the three is used, by the dtypes.
  std::unordered_map<std::string, int64_t> string_keys_;
  std::unordered_map<int64_t, int64_t> int_keys_;
  std::unordered_map<int64_t, std::string> names_;
};

// The kernel of a LookupTableFindV2 or LookupTableSizeV2 node reading
// `table`, which must outlive it; the node's input 0 (the table's handle)
// is not read. InvalidArgument when the node's Tin/Tout are not the table's.
StatusOr<std::unique_ptr<OpKernel>> MakeLookupTableKernel(const NodeAttrs& attrs, const LookupTable& table);

}  // namespace tfcompat::saved_model

#endif  // TFCOMPAT_SRC_SAVED_MODEL_OPS_LOOKUP_OPS_H_
