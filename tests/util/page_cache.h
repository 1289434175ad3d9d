// SPDX-License-Identifier: Apache-2.0
// Files made cold: their pages synced and dropped from the page cache, so
// that the next read comes from the disk (no root needed); and whether a
// page is cached.
#ifndef TFCOMPAT_TESTS_UTIL_PAGE_CACHE_H_
#define TFCOMPAT_TESTS_UTIL_PAGE_CACHE_H_

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <string>

namespace tfcompat::testing {

inline void EvictFromPageCache(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  BOOST_TEST_REQUIRE(fd >= 0, "cannot open " << path);
  const bool evicted = ::fdatasync(fd) == 0 && ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0;
  ::close(fd);
  BOOST_TEST_REQUIRE(evicted, "cannot evict " << path);
}

// Whether the page of `path` holding `offset` is in the page cache, asked
// of the kernel's own record (mincore) rather than of our Cached().
inline bool InPageCache(const std::string& path, uint64_t offset) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  BOOST_TEST_REQUIRE(fd >= 0, "cannot open " << path);
  const auto page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  void* mapped = ::mmap(nullptr, page, PROT_READ, MAP_SHARED, fd, static_cast<off_t>(offset / page * page));
  ::close(fd);
  BOOST_TEST_REQUIRE(mapped != MAP_FAILED, "cannot map " << path);
  unsigned char resident = 0;
  const bool asked = ::mincore(mapped, page, &resident) == 0;
  ::munmap(mapped, page);
  BOOST_TEST_REQUIRE(asked, "mincore failed on " << path);
  return (resident & 1) != 0;
}

}  // namespace tfcompat::testing

#endif  // TFCOMPAT_TESTS_UTIL_PAGE_CACHE_H_
