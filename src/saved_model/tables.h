// SPDX-License-Identifier: Apache-2.0
// The hash tables of a SavedModel's graph, filled the way TF's loader fills
// them: by its init op (the "__saved_model_init_op" signature's output, else
// the one node of the "saved_model_main_op" or "legacy_init_op" collection).
// The init op's subgraph is interpreted, not run: each LookupTableImportV2
// (or InitializeTableV2) of it fills the HashTableV2 of its input 0 with its
// keys and values, which are computed by a Plan of the graph (constants,
// their casts and ranges: what the vocabulary columns' tables import).
#ifndef TFCOMPAT_SRC_SAVED_MODEL_TABLES_H_
#define TFCOMPAT_SRC_SAVED_MODEL_TABLES_H_

#include <cstdint>

#include "saved_model/graph.h"
#include "saved_model/ops/kernel.h"
#include "saved_model/plan.h"
#include "saved_model/variables.h"
#include "tfcompat/base/status.h"
#include "tfcompat/tensorflow/meta_graph.pb.h"

namespace tfcompat::saved_model {

// The signature whose output is the init op; not one SavedModel::Run runs.
inline constexpr const char* kInitOpSignatureKey = "__saved_model_init_op";

// Fills the tables `meta_graph`'s init op imports (none without an init
// op). Errors name the import node: a table input that is no HashTableV2,
// a table imported twice, keys or values no Plan computes, LookupTable's.
StatusOr<TableValues> InitializeTables(const Graph& graph, const tensorflow::MetaGraphDef& meta_graph,
                                       const KernelRegistry& registry, const VariableValues& variables,
                                       uint64_t max_tensor_bytes);

}  // namespace tfcompat::saved_model

#endif  // TFCOMPAT_SRC_SAVED_MODEL_TABLES_H_
