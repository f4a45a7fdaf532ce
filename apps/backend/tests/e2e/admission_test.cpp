// Connection admission: a neighbour that holds every connection slot, idle or half-sent, cannot lock the app
// out. At the cap the connection that matters least is closed for the new one; a request in flight never is,
// and only when every connection is busy does the new one get a 503. The cap is lowered for the tests with
// BACKEND_MAX_CONNECTIONS.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http_client.hpp"
#include "sidecar_process.hpp"

namespace backend::e2e {
namespace {

constexpr int kCap = 8;

class Admission : public ::testing::Test {
 protected:
  void start(int cap) {
    sidecar_.emplace(Launch{.env = {{"BACKEND_MAX_CONNECTIONS", std::to_string(cap)}}});
    port_ = sidecar_->port();
    ASSERT_NE(port_, 0);
  }
  // Opens `count` connections, each sending `bytes` (maybe nothing), and makes sure the server has taken
  // them all before returning: a request answered on a further connection was accepted after them.
  void hold(int count, const std::string& bytes, std::chrono::milliseconds spacing = 20ms) {
    for (int i = 0; i < count; ++i) {
      held_.push_back(std::make_unique<Connection>(port_));
      ASSERT_TRUE(held_.back()->connected());
      if (!bytes.empty()) held_.back()->send(bytes);
      // Distinct ages: the order of the held connections is the order of their deadlines.
      std::this_thread::sleep_for(spacing);
    }
  }
  // A client that asks for many large answers and never reads: its request stays in flight, the server
  // blocked writing to it.
  std::unique_ptr<Connection> stalled_writer() {
    auto connection = std::make_unique<Connection>(port_);
    std::string batch;
    for (int i = 0; i < kStalledRequests; ++i)
      batch += request(port_, "GET", "/openapi.json");
    connection->send(batch);
    return connection;
  }
  bool health_answers_within(std::chrono::milliseconds timeout) {
    Connection client(port_);
    client.send(request(port_, "GET", "/health"));
    auto response = client.read(false, timeout);
    return response && response->result_int() == 200;
  }

  static constexpr int kStalledRequests = 1000;  // 1000 x 26 KB: far more than the socket buffers hold
  std::optional<Sidecar> sidecar_;
  std::uint16_t port_ = 0;
  std::vector<std::unique_ptr<Connection>> held_;
};

TEST_F(Admission, IdleConnectionsHoldingEverySlotDoNotLockOutTheApp) {
  start(kCap);
  hold(kCap, "");
  EXPECT_TRUE(health_answers_within(1s));
  // The longest-idle connection made room; the newest held ones are untouched.
  EXPECT_TRUE(held_.front()->wait_closed(1s)) << "the longest-idle connection was not the one closed";
  EXPECT_FALSE(held_.back()->wait_closed(200ms));
}

TEST_F(Admission, HalfSentHeadersHoldingEverySlotDoNotLockOutTheApp) {
  start(kCap);
  hold(kCap, "GET /health HTTP/1.1\r\nHo");
  EXPECT_TRUE(health_answers_within(1s));
  EXPECT_TRUE(held_.front()->wait_closed(1s)) << "the oldest half-sent request was not the one closed";
  EXPECT_FALSE(held_.back()->wait_closed(200ms));
}

TEST_F(Admission, AnIdleConnectionMakesRoomBeforeAHalfSentOne) {
  start(2);
  hold(1, "GET /health HTTP/1.1\r\nHo");  // older, but still sending its request
  hold(1, "");                            // newer, idle
  EXPECT_TRUE(health_answers_within(1s));
  EXPECT_TRUE(held_.back()->wait_closed(1s)) << "the idle connection was not closed first";
  EXPECT_FALSE(held_.front()->wait_closed(200ms));
}

TEST_F(Admission, ARequestInFlightIsNeverClosedToMakeRoom) {
  start(2);
  auto writer = stalled_writer();
  std::this_thread::sleep_for(500ms);  // the server is now blocked writing to it
  hold(1, "GET /health HTTP/1.1\r\nHo");
  EXPECT_TRUE(health_answers_within(1s));
  EXPECT_TRUE(held_.front()->wait_closed(1s)) << "the half-sent request was not the one closed";
  // Every answer the stalled client asked for arrives whole once it reads.
  for (int i = 0; i < kStalledRequests; ++i) {
    auto response = writer->read();
    ASSERT_TRUE(response) << "the request in flight was cut off at answer " << i;
    ASSERT_EQ(response->result_int(), 200u);
  }
}

TEST_F(Admission, WhenEveryConnectionIsInFlightTheNextGets503AtOnce) {
  start(2);
  auto first = stalled_writer();
  auto second = stalled_writer();
  std::this_thread::sleep_for(500ms);
  Connection extra(port_);
  auto answer = extra.read_all(2s);
  EXPECT_NE(answer.find("503 Service Unavailable"), std::string::npos) << answer;
  first.reset();
  second.reset();
  std::this_thread::sleep_for(300ms);
  EXPECT_TRUE(health_answers_within(1s));
}

TEST_F(Admission, TheDefaultCapAdmitsFarMoreThanTheOldFixed512) {
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  if (files.rlim_cur < 1700) {
    files.rlim_cur = std::min<rlim_t>(files.rlim_max, 4096);
    setrlimit(RLIMIT_NOFILE, &files);
  }
  if (files.rlim_cur < 1700) GTEST_SKIP() << "file descriptor limit too low for this test";
  sidecar_.emplace();
  port_ = sidecar_->port();
  ASSERT_NE(port_, 0);
  hold(1500, "", 0ms);
  EXPECT_TRUE(health_answers_within(1s));
  // None of them had to make room: the cap derived from the raised descriptor limit is above 1500.
  EXPECT_FALSE(held_.front()->wait_closed(100ms));
}

}  // namespace
}  // namespace backend::e2e
