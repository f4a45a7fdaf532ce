// Contract point 5, and the promise that a host which stops reading stderr never stalls the server.
#include <gtest/gtest.h>
#include <signal.h>

#include <regex>

#include "http_client.hpp"
#include "sidecar_process.hpp"

namespace backend::e2e {
namespace {

TEST(Logging, StartupLineNamesAppVersionUrlAndPid) {
  Sidecar sidecar;
  auto port = sidecar.port();
  auto expected = std::string(BACKEND_EXPECTED_NAME) + " " + BACKEND_EXPECTED_VERSION +
                  " listening on http://127.0.0.1:" + std::to_string(port) + " (pid " +
                  std::to_string(sidecar.pid()) + ")";
  EXPECT_TRUE(sidecar.wait_stderr_contains(expected, 2s)) << sidecar.stderr_bytes();
}

TEST(Logging, RequestLinesOnlyAtDebug) {
  Sidecar info;
  ASSERT_TRUE(fetch(info.port(), "GET", "/health?at=info"));
  Sidecar debug({.env = {{"BACKEND_LOG_LEVEL", "debug"}}});
  ASSERT_TRUE(fetch(debug.port(), "GET", "/health?at=debug"));
  EXPECT_TRUE(debug.wait_stderr_contains("GET /health?at=debug -> 200", 2s)) << debug.stderr_bytes();
  info.send_signal(SIGTERM);
  ASSERT_EQ(info.wait_exit(3s), 0);
  EXPECT_EQ(info.stderr_bytes().find("/health?at=info"), std::string::npos);
}

TEST(Logging, ErrorLevelKeepsStartupQuiet) {
  Sidecar sidecar({.env = {{"BACKEND_LOG_LEVEL", "error"}}});
  ASSERT_NE(sidecar.port(), 0);
  sidecar.send_signal(SIGTERM);
  ASSERT_EQ(sidecar.wait_exit(3s), 0);
  EXPECT_EQ(sidecar.stderr_bytes(), "");
}

TEST(Logging, TokenNeverAppearsInLogs) {
  Sidecar sidecar({.env = {{"BACKEND_LOG_LEVEL", "debug"}, {"BACKEND_TOKEN", "tok-5ecret-value"}}});
  auto port = sidecar.port();
  ASSERT_TRUE(fetch(port, "GET", "/health", "Authorization: Bearer tok-5ecret-value\r\n"));
  ASSERT_TRUE(fetch(port, "GET", "/health", "Authorization: Bearer tok-5ecret-valuX\r\n"));
  sidecar.send_signal(SIGTERM);
  ASSERT_EQ(sidecar.wait_exit(3s), 0);
  EXPECT_EQ(sidecar.stderr_bytes().find("5ecret"), std::string::npos);
}

// tauri-plugin-shell delivers stdout and stderr through one channel of capacity 1: a host that stops polling
// leaves our stderr pipe full. Every request must still be answered.
TEST(Logging, HostThatNeverReadsStderrDoesNotStallRequests) {
  Sidecar sidecar({.env = {{"BACKEND_LOG_LEVEL", "debug"}}, .read_stderr = false});
  auto port = sidecar.port();
  constexpr int kRequests = 20'000;
  constexpr int kBatch = 100;
  std::optional<Connection> connection;
  int answered = 0;
  std::string batch;
  for (int i = 0; i < kBatch; ++i)
    batch += request(port, "GET", "/health");
  for (int sent = 0; sent < kRequests; sent += kBatch) {
    // A keep-alive connection is recycled after 10,000 requests (limits.hpp): open a fresh one before that.
    if (sent % 5'000 == 0) connection.emplace(port);
    connection->send(batch);
    for (int i = 0; i < kBatch; ++i) {
      auto response = connection->read(false, 5s);
      ASSERT_TRUE(response) << "stalled after " << answered << " responses";
      ++answered;
    }
  }
  EXPECT_EQ(answered, kRequests);
  // Once stderr drains, the dropped lines are reported.
  sidecar.start_reading_stderr();
  ASSERT_TRUE(fetch(port, "GET", "/health"));
  EXPECT_TRUE(sidecar.wait_stderr_contains("log lines were dropped", 5s));
}

}  // namespace
}  // namespace backend::e2e
