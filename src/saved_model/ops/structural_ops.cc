// SPDX-License-Identifier: Apache-2.0
// The ops the planner resolves itself (saved_model/plan.cc): constants,
// feeds, aliases and variable reads become tensors of the plan or slots of
// a run, not kernel calls. Registered here for their arity and attributes.
#include <vector>

#include "saved_model/ops/kernel.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::saved_model {

void RegisterStructuralOps(KernelRegistry* registry) {
  registry->Register({.op = "Const", .num_inputs = 0, .attrs = {"value", "dtype"}, .factory = nullptr});
  registry->Register({.op = "Placeholder", .num_inputs = 0, .attrs = {"dtype", "shape"}, .factory = nullptr});
  registry->Register(
      {.op = "PlaceholderWithDefault", .num_inputs = 1, .attrs = {"dtype", "shape"}, .factory = nullptr});
  registry->Register({.op = "Identity", .num_inputs = 1, .attrs = {"T"}, .factory = nullptr});
  registry->Register({.op = "Snapshot", .num_inputs = 1, .attrs = {"T"}, .factory = nullptr});
  registry->Register({.op = "StopGradient", .num_inputs = 1, .attrs = {"T"}, .factory = nullptr});
  // As many outputs as inputs, each its input (an inlined call's results).
  registry->Register(
      {.op = "IdentityN", .attrs = {"T"}, .factory = nullptr, .arity = [](const NodeAttrs& attrs) -> StatusOr<Arity> {
         TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<DataType> types, attrs.TypeList("T"));
         if (types.empty()) return attrs.Error("attr 'T' must list at least one type");
         const int n = static_cast<int>(types.size());
         return Arity{.num_inputs = n, .num_outputs = n};
       }});
  registry->Register({.op = "NoOp", .num_inputs = 0, .num_outputs = 0, .attrs = {}, .factory = nullptr});
  registry->Register({.op = "VarHandleOp",
                      .num_inputs = 0,
                      .attrs = {"container", "shared_name", "dtype", "shape", "allowed_devices", "debug_name"},
                      .factory = nullptr});
  registry->Register({.op = "ReadVariableOp", .num_inputs = 1, .attrs = {"dtype"}, .factory = nullptr});
  registry->Register({.op = "VariableV2",
                      .num_inputs = 0,
                      .attrs = {"shape", "dtype", "container", "shared_name"},
                      .factory = nullptr});
}

}  // namespace tfcompat::saved_model
