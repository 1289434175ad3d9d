// SPDX-License-Identifier: Apache-2.0
#include "distribute/variable_broadcast.h"

#include <cstring>
#include <variant>
#include <vector>

#include "distribute/agreement.h"
#include "feature_column/fingerprint.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::distribute {
namespace {

std::span<char> Bytes(const model::VariableRef& v) {
  return std::visit(
      [](auto values) { return std::span<char>(reinterpret_cast<char*>(values.data()), values.size_bytes()); },
      v.values);
}

}  // namespace

std::string VariablesFingerprint(model::VariableStore& store) {
  const std::vector<model::VariableRef> variables = store.List();
  std::string description;
  for (const model::VariableRef& v : variables) {
    description.append(v.name);
    description.push_back(std::holds_alternative<std::span<float>>(v.values) ? 'f' : 'i');
    for (int64_t d : v.shape) {
      description.push_back(',');
      description.append(std::to_string(d));
    }
    description.push_back(';');
  }
  return std::to_string(variables.size()) + " variables, fingerprint " +
         FingerprintHex(feature_column::Fingerprint64(description));
}

Status BroadcastVariables(Communicator& communicator, model::VariableStore* store, int root) {
  if (communicator.size() == 1) return OkStatus();
  const std::vector<model::VariableRef> variables = store->List();
  size_t total = 0;
  for (const model::VariableRef& v : variables) total += Bytes(v).size();
  std::vector<char> packed(total);
  size_t at = 0;
  if (communicator.rank() == root) {
    for (const model::VariableRef& v : variables) {
      const std::span<char> bytes = Bytes(v);
      std::memcpy(packed.data() + at, bytes.data(), bytes.size());
      at += bytes.size();
    }
  }
  TFCOMPAT_RETURN_IF_ERROR(communicator.Broadcast(std::span<char>(packed), root));
  at = 0;
  for (const model::VariableRef& v : variables) {
    const std::span<char> bytes = Bytes(v);
    std::memcpy(bytes.data(), packed.data() + at, bytes.size());
    at += bytes.size();
  }
  return OkStatus();
}

}  // namespace tfcompat::distribute
