// SPDX-License-Identifier: Apache-2.0
// ModelDirLock between processes: a live holder refuses a second one (the
// message names it), a killed holder's lock is taken over, a lock naming
// another host is never taken over.
#include "tfcompat/checkpoint/model_dir_lock.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <string>

#include "util/child_process.h"
#include "util/temp_dir.h"
#include "util/text.h"

namespace tfcompat {
namespace {

using testing::ChildExit;
using testing::Contains;
using testing::ReadAll;
using testing::RunInChild;
using testing::TempDir;
using testing::WriteAll;

BOOST_AUTO_TEST_SUITE(ModelDirLockTest)

BOOST_AUTO_TEST_CASE(FileNamesHolderAndIsRemoved) {
  TempDir dir;
  const std::string model_dir = dir.file("model");
  std::string path;
  {
    auto lock = ModelDirLock::Acquire(model_dir);
    BOOST_REQUIRE_MESSAGE(lock.ok(), lock.status().ToString());
    path = (*lock)->path();
    BOOST_TEST(path == model_dir + "/" + ModelDirLock::kFileName);
    BOOST_TEST(Contains(ReadAll(path), "pid " + std::to_string(::getpid()) + "\nhost "));
    BOOST_TEST((*lock)->previous_owner().empty());
  }
  BOOST_TEST(!boost::filesystem::exists(path));
}

BOOST_AUTO_TEST_CASE(SecondProcessIsRefusedWithHolderNamed) {
  TempDir dir;
  auto lock = ModelDirLock::Acquire(dir.path());
  BOOST_REQUIRE(lock.ok());
  const std::string expected =
      "Model directory " + dir.path() + " is in use by pid " + std::to_string(::getpid()) + " on host ";
  const ChildExit child = RunInChild([&] {
    auto second = ModelDirLock::Acquire(dir.path());
    if (second.ok()) return 1;
    if (second.status().code() != StatusCode::kFailedPrecondition) return 2;
    return Contains(second.status(), expected) ? 0 : 3;
  });
  BOOST_TEST(child.ExitedWith(0), child.Describe());
}

BOOST_AUTO_TEST_CASE(LiveChildHolderRefusesParentUntilItReleases) {
  TempDir dir;
  int to_child[2], from_child[2];
  BOOST_REQUIRE(::pipe(to_child) == 0 && ::pipe(from_child) == 0);
  const pid_t pid = ::fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    int code = 0;
    {
      auto lock = ModelDirLock::Acquire(dir.path());
      code = lock.ok() ? 0 : 1;
      char byte = 'x';
      if (::write(from_child[1], &byte, 1) != 1) code = 2;
      if (::read(to_child[0], &byte, 1) != 1) code = 3;  // until the parent says
    }
    ::_exit(code);
  }
  char byte = 0;
  BOOST_REQUIRE(::read(from_child[0], &byte, 1) == 1);
  auto refused = ModelDirLock::Acquire(dir.path());
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST(Contains(refused.status(), "in use by pid " + std::to_string(pid)), refused.status().ToString());
  BOOST_REQUIRE(::write(to_child[1], "x", 1) == 1);
  int status = 0;
  BOOST_REQUIRE(::waitpid(pid, &status, 0) == pid);
  BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  auto taken = ModelDirLock::Acquire(dir.path());
  BOOST_REQUIRE_MESSAGE(taken.ok(), taken.status().ToString());
  BOOST_TEST((*taken)->previous_owner().empty());  // the child removed its file
  for (int fd : {to_child[0], to_child[1], from_child[0], from_child[1]}) ::close(fd);
}

BOOST_AUTO_TEST_CASE(StaleLockOfKilledProcessIsTakenOver) {
  TempDir dir;
  pid_t killed = 0;
  const ChildExit child = RunInChild([&] {
    auto lock = ModelDirLock::Acquire(dir.path());
    if (!lock.ok()) return 1;
    ::raise(SIGKILL);  // dies holding the lock: the file stays behind
    return 2;
  });
  BOOST_REQUIRE_MESSAGE(child.signal == SIGKILL, child.Describe());
  const std::string path = dir.file(ModelDirLock::kFileName);
  BOOST_REQUIRE(boost::filesystem::exists(path));
  const std::string stale = ReadAll(path);
  killed = static_cast<pid_t>(std::stol(stale.substr(4)));
  BOOST_REQUIRE(::kill(killed, 0) != 0);  // the holder is gone
  auto lock = ModelDirLock::Acquire(dir.path());
  BOOST_REQUIRE_MESSAGE(lock.ok(), lock.status().ToString());
  BOOST_TEST(Contains((*lock)->previous_owner(), "pid " + std::to_string(killed) + " on host "));
  BOOST_TEST(Contains(ReadAll(path), "pid " + std::to_string(::getpid()) + "\n"));
}

BOOST_AUTO_TEST_CASE(LockOfAnotherHostIsNotTakenOver) {
  TempDir dir;
  const std::string path = dir.file(ModelDirLock::kFileName);
  WriteAll(path, "pid 4242\nhost elsewhere.example\n");
  auto lock = ModelDirLock::Acquire(dir.path());
  BOOST_REQUIRE(!lock.ok());
  BOOST_TEST((lock.status().code() == StatusCode::kFailedPrecondition));
  BOOST_TEST(Contains(lock.status(), "locked by pid 4242 on host elsewhere.example, another host; remove " + path),
             lock.status().ToString());
  BOOST_TEST(ReadAll(path) == "pid 4242\nhost elsewhere.example\n");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
