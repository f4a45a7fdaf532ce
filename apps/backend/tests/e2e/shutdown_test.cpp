// Contract points 8 and 9: graceful shutdown by signal and by the stdin control line.
#include <gtest/gtest.h>
#include <signal.h>

#include "http_client.hpp"
#include "sidecar_process.hpp"

namespace backend::e2e {
namespace {

namespace http = boost::beast::http;

// An idle keep-alive connection is open when the shutdown request arrives: it must not hold up the exit.
void expect_clean_exit_with_idle_connection(const std::function<void(Sidecar&)>& ask_to_stop) {
  Sidecar sidecar;
  auto port = sidecar.port();
  Connection idle(port);
  idle.send(request(port, "GET", "/health"));
  ASSERT_TRUE(idle.read());
  auto start = std::chrono::steady_clock::now();
  ask_to_stop(sidecar);
  EXPECT_EQ(sidecar.wait_exit(3s), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s) << "the idle connection delayed the exit";
  EXPECT_TRUE(idle.wait_closed(1s));
  auto log = sidecar.stderr_bytes();
  EXPECT_NE(log.find("stopped accepting"), std::string::npos) << log;
  EXPECT_NE(log.find("closed 1 idle connection"), std::string::npos) << log;
  EXPECT_NE(log.find("shutdown: complete"), std::string::npos) << log;
}

TEST(SignalShutdown, SigtermWithIdleKeepAliveExitsZero) {
  expect_clean_exit_with_idle_connection([](Sidecar& s) { s.send_signal(SIGTERM); });
}

TEST(SignalShutdown, SigintWithIdleKeepAliveExitsZero) {
  expect_clean_exit_with_idle_connection([](Sidecar& s) { s.send_signal(SIGINT); });
}

TEST(ContractStdinShutdown, ShutdownLineWithIdleKeepAliveExitsZero) {
  expect_clean_exit_with_idle_connection([](Sidecar& s) { s.write_stdin("shutdown\n"); });
}

TEST(SignalShutdown, LogsTheReason) {
  Sidecar sidecar;
  ASSERT_NE(sidecar.port(), 0);
  sidecar.send_signal(SIGTERM);
  ASSERT_EQ(sidecar.wait_exit(3s), 0);
  EXPECT_NE(sidecar.stderr_bytes().find("shutdown: SIGTERM"), std::string::npos);
}

// The line is written only once the signal handlers are in place: a host that stops us the instant it has the
// port must still see a clean exit.
TEST(SignalShutdown, SigtermTheInstantThePortLineIsReadExitsZeroEveryTime) {
  constexpr int kRounds = 40;
  int clean = 0;
  for (int i = 0; i < kRounds; ++i) {
    Sidecar sidecar;
    ASSERT_TRUE(sidecar.first_line());
    sidecar.send_signal(SIGTERM);
    auto code = sidecar.wait_exit(5s);
    if (code == 0) ++clean;
    EXPECT_EQ(code, 0) << "round " << i;
  }
  EXPECT_EQ(clean, kRounds);
}

TEST(SignalShutdown, InFlightRequestFinishesDuringTheDrain) {
  Sidecar sidecar;
  auto port = sidecar.port();
  Connection connection(port);
  auto full = request(port, "GET", "/health");
  connection.send(full.substr(0, 10));
  std::this_thread::sleep_for(100ms);
  sidecar.send_signal(SIGTERM);
  ASSERT_TRUE(sidecar.wait_stderr_contains("draining 1 in flight", 2s)) << sidecar.stderr_bytes();
  EXPECT_FALSE(sidecar.wait_exit(200ms)) << "exited before the in-flight request finished";
  connection.send(full.substr(10));
  auto response = connection.read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);
  EXPECT_EQ((*response)[http::field::connection], "close");
  EXPECT_EQ(sidecar.wait_exit(3s), 0);
}

TEST(SignalShutdown, NoNewConnectionsAfterShutdownStarts) {
  Sidecar sidecar;
  auto port = sidecar.port();
  Connection in_flight(port);
  in_flight.send("GET /health HTTP/1.1\r\n");
  std::this_thread::sleep_for(100ms);
  sidecar.send_signal(SIGTERM);
  ASSERT_TRUE(sidecar.wait_stderr_contains("stopped accepting", 2s));
  Connection late(port);
  if (late.connected()) {
    late.send(request(port, "GET", "/health"));
    EXPECT_FALSE(late.read(false, 500ms)) << "a connection made during the drain was served";
  }
  in_flight.send("Host: 127.0.0.1:" + std::to_string(port) + "\r\n\r\n");
  EXPECT_TRUE(in_flight.read());
  EXPECT_EQ(sidecar.wait_exit(3s), 0);
}

TEST(SignalShutdown, DrainDeadlineClosesStalledRequestsAndExitsZero) {
  Sidecar sidecar({.env = {{"BACKEND_SHUTDOWN_TIMEOUT_MS", "300"}}});
  auto port = sidecar.port();
  Connection stalled(port);
  stalled.send("GET /health HTTP/1.1\r\n");
  std::this_thread::sleep_for(100ms);
  auto start = std::chrono::steady_clock::now();
  sidecar.send_signal(SIGTERM);
  EXPECT_EQ(sidecar.wait_exit(3s), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_NE(sidecar.stderr_bytes().find("drain deadline passed"), std::string::npos);
}

TEST(SignalShutdown, SecondSignalDuringTheDrainExitsAtOnceWithCode4) {
  Sidecar sidecar;
  auto port = sidecar.port();
  Connection stalled(port);
  stalled.send("GET /health HTTP/1.1\r\n");
  std::this_thread::sleep_for(100ms);
  sidecar.send_signal(SIGTERM);
  ASSERT_TRUE(sidecar.wait_stderr_contains("draining 1 in flight", 2s));
  sidecar.send_signal(SIGINT);
  EXPECT_EQ(sidecar.wait_exit(1s), 4);
}

TEST(ContractStdinShutdown, UnknownLineIsIgnoredWithAWarning) {
  Sidecar sidecar;
  auto port = sidecar.port();
  sidecar.write_stdin("reboot\n");
  EXPECT_TRUE(sidecar.wait_stderr_contains("ignoring unknown stdin control line \"reboot\"", 5s));
  EXPECT_TRUE(fetch(port, "GET", "/health"));
  sidecar.write_stdin("shutdown\r\n");
  EXPECT_EQ(sidecar.wait_exit(10s), 0);
}

TEST(StdinControl, EofDoesNotShutDownByDefault) {
  Sidecar sidecar;
  auto port = sidecar.port();
  sidecar.close_stdin();
  EXPECT_FALSE(sidecar.wait_exit(500ms));
  EXPECT_TRUE(fetch(port, "GET", "/health"));
  sidecar.send_signal(SIGTERM);
  EXPECT_EQ(sidecar.wait_exit(3s), 0);
}

TEST(StdinControl, EofShutsDownWhenOptedIn) {
  Sidecar sidecar({.env = {{"BACKEND_EXIT_ON_STDIN_EOF", "1"}}});
  ASSERT_NE(sidecar.port(), 0);
  sidecar.close_stdin();
  EXPECT_EQ(sidecar.wait_exit(3s), 0);
  EXPECT_NE(sidecar.stderr_bytes().find("stdin closed"), std::string::npos);
}

}  // namespace
}  // namespace backend::e2e
