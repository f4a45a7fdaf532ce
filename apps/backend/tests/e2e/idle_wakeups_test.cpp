// Idle costs nothing: with no connection open the backend makes no wakeups at all, and with connections open
// it wakes only when a deadline is due. Counted as the kernel counts them: the context switches of every
// thread of the process (Linux only; under an emulator the process is the emulator's).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

#include "http_client.hpp"
#include "sidecar_process.hpp"

namespace backend::e2e {
namespace {

// Voluntary plus involuntary context switches of every thread of `pid`.
std::optional<long> context_switches(pid_t pid) {
  std::error_code ec;
  std::filesystem::directory_iterator tasks("/proc/" + std::to_string(pid) + "/task", ec);
  if (ec) return std::nullopt;
  long total = 0;
  for (const auto& task : tasks) {
    std::ifstream status(task.path() / "status");
    for (std::string line; std::getline(status, line);) {
      for (const char* field : {"voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:"}) {
        if (line.starts_with(field)) total += std::stol(line.substr(std::string_view(field).size()));
      }
    }
  }
  return total;
}

// How many of the process's timer descriptors are armed (Linux shows a timerfd's setting in its fdinfo). An
// armed one is a wakeup to come, however far ahead: Asio's own descriptor, once used, is kept armed up to
// 5 minutes ahead, which a window of a few seconds would not see.
std::optional<int> armed_timer_descriptors(pid_t pid) {
  std::error_code ec;
  std::filesystem::directory_iterator fds("/proc/" + std::to_string(pid) + "/fdinfo", ec);
  if (ec) return std::nullopt;
  int armed = 0;
  for (const auto& fd : fds) {
    std::ifstream info(fd.path());
    for (std::string line; std::getline(info, line);) {
      if (line.starts_with("it_value:") && line != "it_value: (0, 0)") ++armed;
    }
  }
  return armed;
}

class IdleWakeups : public ::testing::Test {
 protected:
  void SetUp() override {
#ifndef __linux__
    GTEST_SKIP() << "context switches are read from /proc";
#endif
    if (!Sidecar::emulator().empty()) GTEST_SKIP() << "under an emulator the process is the emulator's";
    port_ = sidecar_.port();
    ASSERT_NE(port_, 0);
  }
  // The switches over `period`, after letting what just happened settle.
  long wakeups_over(std::chrono::milliseconds period) {
    std::this_thread::sleep_for(300ms);
    auto before = context_switches(sidecar_.pid());
    std::this_thread::sleep_for(period);
    auto after = context_switches(sidecar_.pid());
    EXPECT_TRUE(before && after);
    return before && after ? *after - *before : -1;
  }

  Sidecar sidecar_;
  std::uint16_t port_ = 0;
};

TEST_F(IdleWakeups, WithNoConnectionTheServerNeverWakesUp) {
  EXPECT_EQ(wakeups_over(2s), 0);
}

TEST_F(IdleWakeups, AnIdleKeepAliveConnectionWakesTheServerOnlyAtItsDeadline) {
  Connection connection(port_);
  connection.send(request(port_, "GET", "/health"));
  auto answered = std::chrono::steady_clock::now();
  ASSERT_TRUE(connection.read());
  // The idle deadline is 5 s away: nothing is due before it.
  EXPECT_EQ(wakeups_over(3s), 0);
  EXPECT_TRUE(connection.wait_closed(4s)) << "the idle connection was not closed at its deadline";
  EXPECT_GE(std::chrono::steady_clock::now() - answered, 4500ms);
  // Once the last connection is gone, no timer is left armed.
  EXPECT_EQ(wakeups_over(1500ms), 0);
  EXPECT_EQ(armed_timer_descriptors(sidecar_.pid()), 0);
}

TEST_F(IdleWakeups, AClosedConnectionLeavesNoTimerBehind) {
  {
    Connection connection(port_);
    connection.send(request(port_, "GET", "/health"));
    ASSERT_TRUE(connection.read());
    // While it is open, its deadline is armed.
    EXPECT_EQ(armed_timer_descriptors(sidecar_.pid()), 1);
  }
  EXPECT_EQ(wakeups_over(2s), 0);
  // Not even at the deadline the connection had: the wait for it was disarmed, not just forgotten.
  EXPECT_EQ(armed_timer_descriptors(sidecar_.pid()), 0);
}

}  // namespace
}  // namespace backend::e2e
