// SPDX-License-Identifier: Apache-2.0
// A fresh directory for one test (under $TMPDIR unless told another
// parent), removed with its contents; whole-file reads and writes.
#ifndef TFCOMPAT_TESTS_UTIL_TEMP_DIR_H_
#define TFCOMPAT_TESTS_UTIL_TEMP_DIR_H_

#include <boost/filesystem.hpp>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <iterator>
#include <string>

namespace tfcompat::testing {

class TempDir {
 public:
  TempDir() : TempDir(boost::filesystem::temp_directory_path().string()) {}
  // A directory under `parent` instead (e.g. on another file system).
  explicit TempDir(const std::string& parent)
      : path_(boost::filesystem::path(parent) / boost::filesystem::unique_path("tfcompat-%%%%-%%%%-%%%%")) {
    boost::filesystem::create_directories(path_);
  }
  ~TempDir() {
    boost::system::error_code ignored;
    boost::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string path() const { return path_.string(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  boost::filesystem::path path_;
};

// The contents of `path`; a file that cannot be read fails the test.
inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  BOOST_TEST_REQUIRE(in.is_open(), "cannot read " << path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void WriteAll(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
}

}  // namespace tfcompat::testing

#endif  // TFCOMPAT_TESTS_UTIL_TEMP_DIR_H_
