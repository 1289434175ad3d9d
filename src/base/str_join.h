// SPDX-License-Identifier: Apache-2.0
// StrJoin (internal): strings joined by a separator, as absl::StrJoin.
#ifndef TFCOMPAT_SRC_BASE_STR_JOIN_H_
#define TFCOMPAT_SRC_BASE_STR_JOIN_H_

#include <string>
#include <string_view>
#include <vector>

namespace tfcompat {

// "a, b, c" from {"a", "b", "c"} and ", "; "" from {}.
inline std::string StrJoin(const std::vector<std::string>& parts, std::string_view separator) {
  std::string joined;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) joined += separator;
    joined += parts[i];
  }
  return joined;
}

}  // namespace tfcompat

#endif  // TFCOMPAT_SRC_BASE_STR_JOIN_H_
