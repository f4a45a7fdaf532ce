// Black-box tests grouped by the threat they cover: DNS rebinding, cross-origin reads, a missing token,
// request smuggling, oversized input, slow clients and connection floods.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <boost/json/parse.hpp>

#include "http_client.hpp"
#include "sidecar_process.hpp"

namespace backend::e2e {
namespace {

namespace http = boost::beast::http;
using namespace std::string_literals;

class Threat : public ::testing::Test {
 protected:
  void start(Launch launch = {}) {
    sidecar_.emplace(launch);
    port_ = sidecar_->port();
    ASSERT_NE(port_, 0);
  }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  // Sends raw bytes on a fresh connection and returns the one answer, checking the connection then closes.
  std::optional<HttpResponse> raw_then_closed(const std::string& bytes) {
    Connection connection(port_);
    connection.send(bytes);
    auto response = connection.read();
    EXPECT_TRUE(connection.wait_closed(2s)) << "connection stayed open after a framing error";
    return response;
  }
  static std::string error_of(const HttpResponse& r) {
    return std::string(boost::json::parse(r.body()).at("error").as_string());
  }

  std::optional<Sidecar> sidecar_;
  std::uint16_t port_ = 0;
};

//------------------------------------------------------------------------------
class DnsRebinding : public Threat {};

TEST_F(DnsRebinding, ForeignHostGets421AndNoData) {
  start();
  Connection connection(port_);
  connection.send("GET /health HTTP/1.1\r\nHost: attacker.example:" + std::to_string(port_) + "\r\n\r\n");
  auto response = connection.read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 421u);
  EXPECT_EQ(error_of(*response), "misdirected_request");
  EXPECT_EQ(response->body().find("uptime"), std::string::npos);
}

TEST_F(DnsRebinding, LoopbackNamesAreAccepted) {
  start();
  for (auto name : {"127.0.0.1", "localhost", "[::1]"}) {
    Connection connection(port_);
    connection.send("GET /health HTTP/1.1\r\nHost: "s + name + ":" + std::to_string(port_) + "\r\n\r\n");
    auto response = connection.read();
    ASSERT_TRUE(response) << name;
    EXPECT_EQ(response->result_int(), 200u) << name;
  }
}

TEST_F(DnsRebinding, ConfiguredHostsAreAccepted) {
  start({.env = {{"BACKEND_ALLOWED_HOSTS", "app.internal"}}});
  Connection connection(port_);
  connection.send("GET /health HTTP/1.1\r\nHost: app.internal:" + std::to_string(port_) + "\r\n\r\n");
  auto response = connection.read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);
}

TEST_F(DnsRebinding, MissingOrDoubleHostIs400) {
  start();
  auto none = raw_then_closed("GET /health HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->result_int(), 400u);
  auto twice =
      raw_then_closed("GET /health HTTP/1.1\r\nHost: " + host() + "\r\nHost: " + host() + "\r\n\r\n");
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->result_int(), 400u);
}

//------------------------------------------------------------------------------
class CrossOrigin : public Threat {};

TEST_F(CrossOrigin, TauriOriginsGetTheirOriginEchoedNeverStar) {
  start();
  for (auto origin : {"tauri://localhost", "http://tauri.localhost", "https://tauri.localhost"}) {
    auto response = fetch(port_, "GET", "/health", "Origin: "s + origin + "\r\n");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result_int(), 200u);
    EXPECT_EQ((*response)[http::field::access_control_allow_origin], origin);
    EXPECT_EQ((*response)[http::field::vary], "Origin");
  }
}

TEST_F(CrossOrigin, ConfiguredDevOriginIsAllowed) {
  start({.env = {{"BACKEND_ALLOWED_ORIGINS", "http://localhost:1420"}}});
  auto response = fetch(port_, "GET", "/health", "Origin: http://localhost:1420\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ((*response)[http::field::access_control_allow_origin], "http://localhost:1420");
}

TEST_F(CrossOrigin, OtherOriginsGetNoDataAndNoCorsHeaders) {
  start();
  auto response = fetch(port_, "GET", "/health", "Origin: https://evil.example\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 403u);
  EXPECT_EQ(response->count(http::field::access_control_allow_origin), 0u);
  EXPECT_EQ(response->body().find("uptime"), std::string::npos);
}

TEST_F(CrossOrigin, PreflightIsAnsweredForAllowedOriginsOnly) {
  start({.env = {{"BACKEND_TOKEN", "t0k"}}});
  auto ok = fetch(port_, "OPTIONS", "/health",
                  "Origin: tauri://localhost\r\nAccess-Control-Request-Method: GET\r\n"
                  "Access-Control-Request-Headers: authorization\r\n");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->result_int(), 204u);
  EXPECT_EQ((*ok)[http::field::access_control_allow_origin], "tauri://localhost");
  EXPECT_NE((*ok)[http::field::access_control_allow_headers].find("Authorization"), std::string::npos);
  EXPECT_NE((*ok)[http::field::access_control_allow_methods].find("GET"), std::string::npos);

  auto evil = fetch(port_, "OPTIONS", "/health",
                    "Origin: https://evil.example\r\nAccess-Control-Request-Method: GET\r\n");
  ASSERT_TRUE(evil);
  EXPECT_EQ(evil->count(http::field::access_control_allow_origin), 0u);
  EXPECT_EQ(evil->count(http::field::access_control_allow_methods), 0u);
}

//------------------------------------------------------------------------------
class MissingToken : public Threat {};

TEST_F(MissingToken, RequestsWithoutTheBearerTokenGet401) {
  start({.env = {{"BACKEND_TOKEN", "s3cret"}}});
  auto none = fetch(port_, "GET", "/health");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->result_int(), 401u);
  EXPECT_EQ((*none)[http::field::www_authenticate], "Bearer");
  EXPECT_EQ(error_of(*none), "unauthorized");
  auto wrong = fetch(port_, "GET", "/health", "Authorization: Bearer s3creT\r\n");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->result_int(), 401u);
  auto right = fetch(port_, "GET", "/health", "Authorization: Bearer s3cret\r\n");
  ASSERT_TRUE(right);
  EXPECT_EQ(right->result_int(), 200u);
}

//------------------------------------------------------------------------------
class RequestSmuggling : public Threat {};

TEST_F(RequestSmuggling, TransferEncodingIsRefusedAndTheSmuggledRequestNeverRuns) {
  start();
  auto response = raw_then_closed("POST /health HTTP/1.1\r\nHost: " + host() +
                                  "\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                                  "GET /health HTTP/1.1\r\nHost: " +
                                  host() + "\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 400u);
}

TEST_F(RequestSmuggling, EveryAmbiguousFramingIs400ThenClose) {
  start();
  std::vector<std::string> attacks = {
      "POST / HTTP/1.1\r\nHost: " + host() + "\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc",
      "POST / HTTP/1.1\r\nHost: " + host() + "\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
      "POST / HTTP/1.1\r\nHost: " + host() + "\r\nContent-Length: 1,1\r\n\r\na",
      "GET / HTTP/1.1\r\nHost: " + host() + "\r\nX-Fold: a\r\n b\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: " + host() + "\r\nX-Nul: a\0b\r\n\r\n"s,
      "GET / HTTP/1.1\r\nHost: " + host() + "\r\nX-Cr: a\rb\r\n\r\n",
      "POST / HTTP/1.0\r\nHost: " + host() + "\r\nContent-Length: 3\r\n\r\nabc",
      "GET / HTTP/1.1\r\nHost: " + host() + "\r\nTransfer-Encoding: identity\r\n\r\n",
  };
  for (const auto& attack : attacks) {
    auto response = raw_then_closed(attack);
    ASSERT_TRUE(response) << attack;
    EXPECT_EQ(response->result_int(), 400u) << attack;
  }
}

TEST_F(RequestSmuggling, UnknownHttpVersionIs505) {
  start();
  auto response = raw_then_closed("GET /health HTTP/1.2\r\nHost: " + host() + "\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 505u);
}

//------------------------------------------------------------------------------
class OversizedInput : public Threat {};

TEST_F(OversizedInput, LimitsAnswer414And431And413) {
  start();
  auto target =
      raw_then_closed("GET /" + std::string(5000, 'a') + " HTTP/1.1\r\nHost: " + host() + "\r\n\r\n");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->result_int(), 414u);
  auto header =
      raw_then_closed("GET / HTTP/1.1\r\nHost: " + host() + "\r\nX: " + std::string(20000, 'x') + "\r\n\r\n");
  ASSERT_TRUE(header);
  EXPECT_EQ(header->result_int(), 431u);
  std::string many = "GET / HTTP/1.1\r\nHost: " + host() + "\r\n";
  for (int i = 0; i < 100; ++i)
    many += "X-" + std::to_string(i) + ": 1\r\n";
  auto fields = raw_then_closed(many + "\r\n");
  ASSERT_TRUE(fields);
  EXPECT_EQ(fields->result_int(), 431u);
  // A 10 MB body is refused from its header alone, before a byte of it is read, and the connection closes;
  // body_errors_test.cpp has the 413 of a route that takes a body.
  auto body =
      raw_then_closed("POST /health HTTP/1.1\r\nHost: " + host() + "\r\nContent-Length: 10000000\r\n\r\n");
  ASSERT_TRUE(body);
  EXPECT_EQ(body->result_int(), 405u);
}

TEST_F(OversizedInput, ServerSurvivesGarbageAndStillAnswers) {
  start();
  std::string garbage;
  for (int i = 0; i < 3000; ++i)
    garbage += static_cast<char>((i * 131 + 7) % 256);
  for (int i = 0; i < 20; ++i) {
    Connection connection(port_);
    connection.send(garbage.substr(static_cast<std::size_t>(i) * 100));
    connection.read_all(500ms);
  }
  auto response = fetch(port_, "GET", "/health");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);
}

//------------------------------------------------------------------------------
class SlowClient : public Threat {};

TEST_F(SlowClient, TricklingHeadersAreCutOffByTheRequestDeadline) {
  start();
  Connection slow(port_);
  auto bytes = request(port_, "GET", "/health", "X-Pad: " + std::string(100, 'p') + "\r\n");
  auto start_time = std::chrono::steady_clock::now();
  bool closed = false;
  // One byte every 200 ms would take far longer than the 10 s request deadline.
  for (std::size_t i = 0; i + 1 < bytes.size() && !closed; ++i) {
    slow.send(bytes.substr(i, 1));
    closed = slow.wait_closed(200ms);
    if (std::chrono::steady_clock::now() - start_time > 15s) break;
  }
  EXPECT_TRUE(closed) << "a trickling client kept its connection past the request deadline";
  EXPECT_LT(std::chrono::steady_clock::now() - start_time, 12s);
  EXPECT_TRUE(fetch(port_, "GET", "/health"));
}

//------------------------------------------------------------------------------
class ConnectionFlood : public Threat {};

TEST_F(ConnectionFlood, ConnectionsBeyondTheLimitGet503AtOnce) {
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  if (files.rlim_cur < 1200) {
    files.rlim_cur = std::min<rlim_t>(files.rlim_max, 4096);
    setrlimit(RLIMIT_NOFILE, &files);
  }
  if (files.rlim_cur < 1200) GTEST_SKIP() << "file descriptor limit too low for this test";
  start();
  std::vector<std::unique_ptr<Connection>> held;
  for (int i = 0; i < 512; ++i) {
    held.push_back(std::make_unique<Connection>(port_));
    ASSERT_TRUE(held.back()->connected());
  }
  // Every held connection is registered before the extra one arrives.
  held.back()->send(request(port_, "GET", "/health"));
  ASSERT_TRUE(held.back()->read());
  Connection extra(port_);
  auto answer = extra.read_all(2s);
  EXPECT_NE(answer.find("503 Service Unavailable"), std::string::npos) << answer;
  held.clear();
  std::this_thread::sleep_for(300ms);
  auto response = fetch(port_, "GET", "/health");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);
}

}  // namespace
}  // namespace backend::e2e
