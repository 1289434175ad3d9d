// SPDX-License-Identifier: Apache-2.0
#include "distribute/agreement.h"

#include <cstdio>
#include <string_view>
#include <vector>

#include "tfcompat/base/status_macros.h"

namespace tfcompat::distribute {
namespace {

// Strings as "<length>:<bytes>", concatenated: what Allgather carries.
void AppendField(std::string_view field, std::string* out) {
  out->append(std::to_string(field.size()));
  out->push_back(':');
  out->append(field);
}

// The fields of a peer's message; InternalError if it is not one of ours
// (every rank runs this code, so that is a bug or memory damage).
StatusOr<std::vector<std::string>> SplitFields(std::string_view bytes, int rank) {
  std::vector<std::string> fields;
  while (!bytes.empty()) {
    const size_t colon = bytes.find(':');
    size_t length = 0;
    bool valid = colon != std::string_view::npos && colon > 0 && colon <= 12;
    for (size_t i = 0; valid && i < colon; ++i) {
      valid = bytes[i] >= '0' && bytes[i] <= '9';
      length = length * 10 + static_cast<size_t>(bytes[i] - '0');
    }
    if (!valid || length > bytes.size() - colon - 1) {
      return InternalError("malformed agreement message from rank " + std::to_string(rank));
    }
    fields.emplace_back(bytes.substr(colon + 1, length));
    bytes.remove_prefix(colon + 1 + length);
  }
  return fields;
}

std::string RankOf(int rank, int size) { return "rank " + std::to_string(rank) + " of " + std::to_string(size); }

}  // namespace

std::string FingerprintHex(uint64_t fingerprint) {
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(fingerprint));
  return hex;
}

Status AgreeOnStatus(Communicator& communicator, const Status& local, std::span<double> sums) {
  if (communicator.size() == 1) return local;
  std::vector<double> values(sums.begin(), sums.end());
  values.push_back(local.ok() ? 0.0 : 1.0);
  TFCOMPAT_RETURN_IF_ERROR(communicator.AllreduceSum(std::span<double>(values)));
  std::copy(values.begin(), values.end() - 1, sums.begin());
  if (values.back() == 0.0) return OkStatus();
  std::string message;
  if (!local.ok()) {
    AppendField(std::to_string(static_cast<int>(local.code())), &message);
    AppendField(local.message(), &message);
  }
  TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<std::string> all, communicator.Allgather(message));
  for (int r = 0; r < static_cast<int>(all.size()); ++r) {
    if (all[static_cast<size_t>(r)].empty()) continue;
    TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<std::string> fields, SplitFields(all[static_cast<size_t>(r)], r));
    if (fields.size() != 2) return InternalError("malformed status from rank " + std::to_string(r));
    const int code = std::atoi(fields[0].c_str());
    return Status(static_cast<StatusCode>(code), RankOf(r, communicator.size()) + ": " + fields[1]);
  }
  return InternalError("the ranks counted an error that none reported");
}

Status CheckSameLaunch(Communicator& communicator, std::span<const LaunchFact> facts) {
  if (communicator.size() == 1) return OkStatus();
  std::string message;
  for (const LaunchFact& fact : facts) {
    AppendField(fact.name, &message);
    AppendField(fact.value, &message);
  }
  TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<std::string> all, communicator.Allgather(message));
  TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<std::string> root, SplitFields(all[0], 0));
  for (int r = 1; r < static_cast<int>(all.size()); ++r) {
    TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<std::string> theirs, SplitFields(all[static_cast<size_t>(r)], r));
    for (size_t i = 0; i < std::max(root.size(), theirs.size()); i += 2) {
      const bool same =
          i + 1 < root.size() && i + 1 < theirs.size() && root[i] == theirs[i] && root[i + 1] == theirs[i + 1];
      if (same) continue;
      const std::string& name = i < root.size() ? root[i] : theirs[i];
      const std::string theirs_value = i + 1 < theirs.size() && theirs[i] == name ? theirs[i + 1] : "none";
      const std::string root_value = i + 1 < root.size() && root[i] == name ? root[i + 1] : "none";
      return InvalidArgumentError(RankOf(r, communicator.size()) + " was launched with another " + name +
                                  " than rank 0 (" + theirs_value + " vs " + root_value +
                                  "): every rank must run the same command on the same data");
    }
  }
  return OkStatus();
}

}  // namespace tfcompat::distribute
