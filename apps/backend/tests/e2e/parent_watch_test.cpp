// The sidecar is never orphaned: when its host dies, even by SIGKILL, it shuts down cleanly within a second.
// The test makes itself a child subreaper, so the orphaned backend becomes its child and its exit can be
// seen.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "sidecar_process.hpp"

extern char** environ;

namespace backend::e2e {
namespace {

struct Orphan {
  pid_t host = -1;
  pid_t backend = -1;
  int stdout_fd = -1;
};

// Forks a stand-in host that spawns the backend and then waits forever, as a desktop app would.
Orphan spawn_through_host(const std::string& parent_watch) {
  Orphan orphan;
  int out[2], ids[2];
  if (::pipe(out) != 0 || ::pipe(ids) != 0) return orphan;
  orphan.host = ::fork();
  if (orphan.host == 0) {
    std::vector<std::string> words = Sidecar::emulator();
    words.push_back(Sidecar::binary());
    std::vector<char*> argv;
    for (auto& w : words)
      argv.push_back(w.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e) {
      if (std::strncmp(*e, "BACKEND_PARENT_WATCH=", 21) != 0 && std::strncmp(*e, "PORT=", 5) != 0) {
        env_strings.emplace_back(*e);
      }
    }
    env_strings.push_back("BACKEND_PARENT_WATCH=" + parent_watch);
    std::vector<char*> envp;
    for (auto& s : env_strings)
      envp.push_back(s.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    pid_t child = -1;
    ::posix_spawnp(&child, argv[0], &actions, nullptr, argv.data(), envp.data());
    (void)!::write(ids[1], &child, sizeof child);
    for (;;)
      ::pause();
  }
  ::close(out[1]);
  ::close(ids[1]);
  (void)!::read(ids[0], &orphan.backend, sizeof orphan.backend);
  ::close(ids[0]);
  orphan.stdout_fd = out[0];
  return orphan;
}

bool read_port_line(int fd, std::chrono::milliseconds timeout) {
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    char buffer[64];
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) return false;
    line.append(buffer, static_cast<std::size_t>(n));
  }
  return line.starts_with("BACKEND_PORT:");
}

std::optional<int> wait_for(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(5ms);
  }
  return std::nullopt;
}

class ParentWatch : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0); }
};

TEST_F(ParentWatch, SigkillOfTheHostShutsTheOrphanDownCleanlyWithinASecond) {
  auto orphan = spawn_through_host("1");
  ASSERT_GT(orphan.backend, 0);
  ASSERT_TRUE(read_port_line(orphan.stdout_fd, Sidecar::startup_timeout()));
  ::kill(orphan.host, SIGKILL);
  ASSERT_TRUE(wait_for(orphan.host, 2s));
  auto killed_at = std::chrono::steady_clock::now();
  auto code = wait_for(orphan.backend, 3s);
  if (!code) ::kill(orphan.backend, SIGKILL), wait_for(orphan.backend, 2s);
  ASSERT_TRUE(code) << "the orphaned backend kept running";
  EXPECT_EQ(*code, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - killed_at, 1s);
  ::close(orphan.stdout_fd);
}

TEST_F(ParentWatch, CanBeTurnedOff) {
  auto orphan = spawn_through_host("0");
  ASSERT_GT(orphan.backend, 0);
  ASSERT_TRUE(read_port_line(orphan.stdout_fd, Sidecar::startup_timeout()));
  ::kill(orphan.host, SIGKILL);
  ASSERT_TRUE(wait_for(orphan.host, 2s));
  EXPECT_FALSE(wait_for(orphan.backend, 1500ms)) << "exited although BACKEND_PARENT_WATCH=0";
  ::kill(orphan.backend, SIGTERM);
  EXPECT_EQ(wait_for(orphan.backend, 3s), 0);
  ::close(orphan.stdout_fd);
}

}  // namespace
}  // namespace backend::e2e
