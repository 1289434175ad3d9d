// SPDX-License-Identifier: Apache-2.0
#include "util/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

namespace tfcompat::testing {
namespace {

// In the child: false if a limit could not be set.
bool ApplyLimits(const ChildLimits& limits) {
  if (limits.max_file_bytes.has_value()) {
    ::signal(SIGXFSZ, SIG_IGN);  // kept across exec: write(2) returns EFBIG
    const rlimit limit{*limits.max_file_bytes, *limits.max_file_bytes};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) return false;
  }
  if (limits.max_address_space.has_value()) {
    const rlimit limit{*limits.max_address_space, *limits.max_address_space};
    if (::setrlimit(RLIMIT_AS, &limit) != 0) return false;
  }
  return true;
}

// Reads both pipes until the child closes them (reading one to its end
// first could leave the child blocked on a full other one).
void Drain(int out_fd, int err_fd, ChildExit* result) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&result->out, &result->err};
  int open_pipes = 2;
  while (open_pipes > 0) {
    if (::poll(fds, 2, -1) < 0) continue;  // EINTR
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[4096];
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof(buffer));
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<size_t>(n));
      } else {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_pipes;
      }
    }
  }
}

}  // namespace

std::string ChildExit::Describe() const {
  std::string text = exited() ? "exit code " + std::to_string(exit_code)
                              : "killed by signal " + std::to_string(signal) + " (" + ::strsignal(signal) + ")";
  if (!err.empty()) text += "; stderr:\n" + err;
  return text;
}

ChildExit RunInChild(const std::function<int()>& body, const ChildLimits& limits) {
  int out_pipe[2], err_pipe[2];
  BOOST_TEST_REQUIRE(::pipe(out_pipe) == 0);
  BOOST_TEST_REQUIRE(::pipe(err_pipe) == 0);
  const pid_t pid = ::fork();
  BOOST_TEST_REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(out_pipe[1], STDOUT_FILENO);
    ::dup2(err_pipe[1], STDERR_FILENO);
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) ::close(fd);
    ::_exit(ApplyLimits(limits) ? body() : kChildLimitFailed);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  ChildExit result;
  Drain(out_pipe[0], err_pipe[0], &result);
  int status = 0;
  BOOST_TEST_REQUIRE(::waitpid(pid, &status, 0) == pid);
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else {
    result.signal = WTERMSIG(status);
  }
  return result;
}

ChildExit RunProgram(const std::vector<std::string>& args, const ChildLimits& limits) {
  BOOST_TEST_REQUIRE(!args.empty());
  // Built before the fork: the child only execs.
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  return RunInChild(
      [&argv] {
        ::execv(argv[0], argv.data());
        return kChildExecFailed;
      },
      limits);
}

BackgroundProgram::BackgroundProgram(const std::vector<std::string>& args, const std::string& log_path)
    : log_path_(log_path) {
  BOOST_TEST_REQUIRE(!args.empty());
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  BOOST_TEST_REQUIRE(log >= 0);
  pid_ = ::fork();
  BOOST_TEST_REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(kChildExecFailed);
  }
  ::close(log);
}

BackgroundProgram::~BackgroundProgram() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
}

std::optional<ChildExit> BackgroundProgram::Wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      pid_ = -1;
      ChildExit result;
      if (WIFEXITED(status)) {
        result.exit_code = WEXITSTATUS(status);
      } else {
        result.signal = WTERMSIG(status);
      }
      result.err = Log();
      return result;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string BackgroundProgram::Log() const {
  std::ifstream file(log_path_, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace tfcompat::testing
