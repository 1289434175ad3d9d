// SPDX-License-Identifier: Apache-2.0
// Starting every rank of a data-parallel job from the same variables: rank
// 0's, after it restored the latest checkpoint or initialised the model.
#ifndef TFCOMPAT_DISTRIBUTE_VARIABLE_BROADCAST_H_
#define TFCOMPAT_DISTRIBUTE_VARIABLE_BROADCAST_H_

#include <string>

#include "tfcompat/base/status.h"
#include "tfcompat/distribute/communicator.h"
#include "tfcompat/model/variables.h"

namespace tfcompat::distribute {

// The names and shapes of every variable of `store` (parameters, slots,
// scalars, global_step), as a fingerprint in hex: ranks whose stores differ
// get different values, for CheckSameLaunch before BroadcastVariables.
std::string VariablesFingerprint(model::VariableStore& store);

// Copies every variable of rank `root`'s store into the other ranks' stores,
// in one broadcast. The stores must hold the same variables (equal
// VariablesFingerprint), else the ranks' buffers differ in size.
[[nodiscard]] Status BroadcastVariables(Communicator& communicator, model::VariableStore* store, int root = 0);

}  // namespace tfcompat::distribute

#endif  // TFCOMPAT_DISTRIBUTE_VARIABLE_BROADCAST_H_
