// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/distribute/communicator.h"

#include <cstdlib>

namespace tfcompat::distribute {

bool LaunchedByMpirun() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

}  // namespace tfcompat::distribute
