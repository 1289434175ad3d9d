// SPDX-License-Identifier: Apache-2.0
// Runs a function or a program in a child process, optionally under
// resource limits, and tells how it ended and what it printed:
//
//   const ChildExit child = RunInChild([&] { return Parse(text).ok() ? 0 : 1; },
//                                      {.max_address_space = rlim_t{4} << 30});
//   BOOST_TEST(child.ExitedWith(0), child.Describe());
//
// Only the child is limited, and a child that crashes or is killed is only
// reported, so the test process and its other tests go on. The child's
// stdout and stderr are pipes to the parent (RLIMIT_FSIZE does not apply
// to them).
#ifndef TFCOMPAT_TESTS_UTIL_CHILD_PROCESS_H_
#define TFCOMPAT_TESTS_UTIL_CHILD_PROCESS_H_

#include <sys/resource.h>
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tfcompat::testing {

struct ChildLimits {
  // RLIMIT_FSIZE: no file may grow past this many bytes. SIGXFSZ is ignored
  // (also in a program the child runs), so write(2) past the limit fails
  // with EFBIG, as one on a full disk fails with ENOSPC.
  std::optional<rlim_t> max_file_bytes = std::nullopt;
  // RLIMIT_AS: the most address space, in bytes.
  std::optional<rlim_t> max_address_space = std::nullopt;
};

// The exit codes of a child that could not do what it was asked to.
inline constexpr int kChildLimitFailed = 125;  // setrlimit failed
inline constexpr int kChildExecFailed = 127;   // the program could not be run

struct ChildExit {
  int exit_code = -1;  // when it exited
  int signal = 0;      // when a signal ended it
  std::string out;     // what it wrote to stdout
  std::string err;     // and to stderr

  bool exited() const { return signal == 0; }
  bool ExitedWith(int code) const { return exited() && exit_code == code; }
  // "exit code 3" or "killed by signal 9 (Killed)", and what it wrote to
  // stderr: for the message of a failed check.
  std::string Describe() const;
};

// Forks; the child applies `limits`, runs `body` and exits with what it
// returns, through _exit(2): no destructors, atexit handlers or stdio
// flushes run in the copy of the test process. A fork that fails fails the
// test.
ChildExit RunInChild(const std::function<int()>& body, const ChildLimits& limits = {});

// Runs the program at args[0] with arguments args[1...] in a child under
// `limits`.
ChildExit RunProgram(const std::vector<std::string>& args, const ChildLimits& limits = {});

// A program running while the test goes on (to signal it, or watch its
// files), its stdout and stderr appended to one log file, so it never
// blocks on a pipe nobody reads:
//
//   BackgroundProgram job({"/usr/bin/mpirun", "-np", "2", ...}, dir.file("job.log"));
//   ... kill(pid read from the log, SIGKILL) ...
//   const std::optional<ChildExit> end = job.Wait(std::chrono::seconds(30));
//
// The destructor kills (SIGKILL) and reaps a child still running.
class BackgroundProgram {
 public:
  BackgroundProgram(const std::vector<std::string>& args, const std::string& log_path);
  ~BackgroundProgram();
  BackgroundProgram(const BackgroundProgram&) = delete;
  BackgroundProgram& operator=(const BackgroundProgram&) = delete;

  pid_t pid() const { return pid_; }
  // How it ended (its log as `err`), or nothing if it still runs after
  // `timeout`.
  std::optional<ChildExit> Wait(std::chrono::milliseconds timeout);
  // What it has written so far.
  std::string Log() const;

 private:
  pid_t pid_ = -1;
  std::string log_path_;
};

}  // namespace tfcompat::testing

#endif  // TFCOMPAT_TESTS_UTIL_CHILD_PROCESS_H_
