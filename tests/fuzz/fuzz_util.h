// SPDX-License-Identifier: Apache-2.0
// Shared by the fuzz targets whose reader takes a path: each input is
// written to a file in a scratch directory of this process (under $TMPDIR),
// which is removed when the process exits.
#ifndef TFCOMPAT_TESTS_FUZZ_FUZZ_UTIL_H_
#define TFCOMPAT_TESTS_FUZZ_FUZZ_UTIL_H_

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace tfcompat::fuzz {

class ScratchDir {
 public:
  // The directory of this process, created on first use.
  static ScratchDir& Get() {
    static ScratchDir dir;
    return dir;
  }

  // Replaces the file `name` of the scratch directory with `bytes`; returns
  // its path. Aborts if the file cannot be written: that is no finding.
  std::string Write(const std::string& name, std::string_view bytes) {
    const std::string path = path_ + "/" + name;
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size() || std::fclose(f) != 0) {
      std::perror(path.c_str());
      std::abort();
    }
    for (const std::string& known : files_) {
      if (known == path) return path;
    }
    files_.push_back(path);
    return path;
  }

  // Creates the directory `name` of the scratch directory (removed, once
  // its files are, at exit). Aborts if it cannot.
  void MakeDir(const std::string& name) {
    const std::string path = path_ + "/" + name;
    if (::mkdir(path.c_str(), 0700) != 0) {
      std::perror(path.c_str());
      std::abort();
    }
    dirs_.push_back(path);
  }

  std::string file(const std::string& name) const { return path_ + "/" + name; }

  ~ScratchDir() {
    for (const std::string& f : files_) ::unlink(f.c_str());
    for (auto dir = dirs_.rbegin(); dir != dirs_.rend(); ++dir) ::rmdir(dir->c_str());
    ::rmdir(path_.c_str());
  }

 private:
  ScratchDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/tfcompat-fuzz-XXXXXX";
    if (::mkdtemp(templ.data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    path_ = templ;
  }

  std::string path_;
  std::vector<std::string> files_;
  std::vector<std::string> dirs_;
};

}  // namespace tfcompat::fuzz

#endif  // TFCOMPAT_TESTS_FUZZ_FUZZ_UTIL_H_
