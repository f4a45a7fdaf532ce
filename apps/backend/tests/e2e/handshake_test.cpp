// Contract points 1-4: PORT, the bind address, bind failures, and the one-line handshake.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <fstream>
#include <regex>

#include "http_client.hpp"
#include "sidecar_process.hpp"

namespace backend::e2e {
namespace {

std::uint16_t free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return probe.local_endpoint().port();
}

TEST(ContractHandshake, FirstStdoutLineIsExactlyThePortLine) {
  Sidecar sidecar;
  auto line = sidecar.first_line();
  ASSERT_TRUE(line);
  EXPECT_TRUE(std::regex_match(*line, std::regex("BACKEND_PORT:[1-9][0-9]{0,4}\n"))) << *line;
  EXPECT_TRUE(fetch(sidecar.port(), "GET", "/health"));
}

TEST(ContractHandshake, StdoutHoldsNothingButThePortLineAtExit) {
  Sidecar sidecar;
  auto line = sidecar.first_line();
  ASSERT_TRUE(line);
  ASSERT_TRUE(fetch(sidecar.port(), "GET", "/health"));
  ASSERT_TRUE(fetch(sidecar.port(), "GET", "/nope"));
  sidecar.write_stdin("shutdown\n");
  ASSERT_EQ(sidecar.wait_exit(10s), 0);
  EXPECT_EQ(sidecar.stdout_bytes(), *line);
}

TEST(Handshake, PortVariableChoosesThePort) {
  auto port = free_port();
  Sidecar sidecar({.env = {{"PORT", std::to_string(port)}}});
  EXPECT_EQ(sidecar.first_line(), "BACKEND_PORT:" + std::to_string(port) + "\n");
}

TEST(Handshake, EmptyOrZeroPortLetsTheOsChoose) {
  for (const char* value : {"", "0"}) {
    Sidecar sidecar({.env = {{"PORT", value}}});
    EXPECT_NE(sidecar.port(), 0) << "PORT=" << value;
  }
}

// The listening socket's address, read from the kernel's table: it must be 127.0.0.1 and nothing wider.
TEST(Handshake, ListensOnLoopbackByDefault) {
  Sidecar sidecar;
  auto port = sidecar.port();
  std::ifstream table("/proc/net/tcp");
  ASSERT_TRUE(table) << "needs Linux /proc";
  char wanted[16];
  std::snprintf(wanted, sizeof wanted, ":%04X", port);
  std::string line;
  std::vector<std::string> listeners;
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    if (state == "0A" && local.ends_with(wanted)) listeners.push_back(local.substr(0, 8));
  }
  ASSERT_EQ(listeners.size(), 1u);
  EXPECT_EQ(listeners[0], "0100007F");  // 127.0.0.1, little-endian hex
}

TEST(Handshake, Ipv6LoopbackIsAvailableThroughBackendHost) {
  Sidecar sidecar({.env = {{"BACKEND_HOST", "::1"}}});
  auto line = sidecar.first_line();
  if (!line) {
    auto code = sidecar.wait_exit(5s);
    if (code == 3) GTEST_SKIP() << "no IPv6 loopback on this machine";
    FAIL() << "no handshake";
  }
  auto port = sidecar.port();
  Connection connection(port, "::1");
  ASSERT_TRUE(connection.connected());
  EXPECT_TRUE(sidecar.wait_stderr_contains("listening on http://[::1]:" + std::to_string(port), 2s));
  EXPECT_FALSE(sidecar.wait_stderr_contains("not a loopback address", 200ms));
}

TEST(Handshake, NonLoopbackAddressWarns) {
  Sidecar sidecar({.env = {{"BACKEND_HOST", "0.0.0.0"}}});
  ASSERT_NE(sidecar.port(), 0);
  EXPECT_TRUE(sidecar.wait_stderr_contains("not a loopback address", 2s));
}

class ContractInvalidPort : public ::testing::TestWithParam<std::string> {};

TEST_P(ContractInvalidPort, ExitsWithCode2NamingValueAndRangeAndNothingOnStdout) {
  Sidecar sidecar({.env = {{"PORT", GetParam()}}});
  EXPECT_EQ(sidecar.wait_exit(Sidecar::startup_timeout()), 2);
  EXPECT_EQ(sidecar.stdout_bytes(), "");
  auto err = sidecar.stderr_bytes();
  EXPECT_NE(err.find("\"" + GetParam() + "\""), std::string::npos) << err;
  EXPECT_NE(err.find("1 to 65535"), std::string::npos) << err;
}

INSTANTIATE_TEST_SUITE_P(Values, ContractInvalidPort, ::testing::Values("abc", "70000", "-1", "12x", "1e3"));

TEST(Handshake, PortInUseExitsWithCode3NamingAddressAndPort) {
  Sidecar first;
  auto port = first.port();
  Sidecar second({.env = {{"PORT", std::to_string(port)}}});
  EXPECT_EQ(second.wait_exit(5s), 3);
  EXPECT_EQ(second.stdout_bytes(), "");
  EXPECT_NE(second.stderr_bytes().find("127.0.0.1:" + std::to_string(port)), std::string::npos)
      << second.stderr_bytes();
}

TEST(Handshake, OtherInvalidSettingsExitWithCode2) {
  for (auto [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"BACKEND_HOST", "nope"},
                                                        {"BACKEND_LOG_LEVEL", "loud"},
                                                        {"BACKEND_SHUTDOWN_TIMEOUT_MS", "soon"},
                                                        {"BACKEND_PARENT_WATCH", "2"},
                                                        {"BACKEND_ALLOWED_ORIGINS", "*"}}) {
    Sidecar sidecar({.env = {{name, value}}});
    EXPECT_EQ(sidecar.wait_exit(5s), 2) << name;
    EXPECT_EQ(sidecar.stdout_bytes(), "") << name;
    EXPECT_NE(sidecar.stderr_bytes().find(name), std::string::npos) << sidecar.stderr_bytes();
  }
}

}  // namespace
}  // namespace backend::e2e
