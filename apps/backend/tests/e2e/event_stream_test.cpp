// GET /events against the real binary: the stream's framing, settings changes pushed to every stream, resume
// with Last-Event-ID and resync, the heartbeat, the token, admission (a live stream is never closed to make
// room) and shutdown (open streams end at once with the last chunk). Backpressure is covered in-process
// (tests/net/event_stream_test.cpp), where the publishing rate is the test's to choose.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http_client.hpp"
#include "sidecar_process.hpp"

namespace backend::e2e {
namespace {

class EventStream : public ::testing::Test {
 protected:
  void start(Launch launch = {}) {
    sidecar_.emplace(launch);
    port_ = sidecar_->port();
    ASSERT_NE(port_, 0);
  }
  std::unique_ptr<Connection> open_stream(std::string_view extra_headers = "",
                                          std::string_view version = "HTTP/1.1") {
    auto stream = std::make_unique<Connection>(port_);
    stream->send(request(port_, "GET", "/events", extra_headers, version));
    return stream;
  }

  // A settings write, answered.
  unsigned change(std::string_view method, std::string_view target, std::string_view body = {}) {
    Connection connection(port_);
    std::string headers;
    if (method == "PUT")
      headers = "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    connection.send(request(port_, method, target, headers) + std::string(body));
    auto response = connection.read();
    return response ? response->result_int() : 0;
  }

  std::optional<Sidecar> sidecar_;
  std::uint16_t port_ = 0;
};

TEST_F(EventStream, EverySettingsChangeReachesEveryOpenStreamAtOnce) {
  start();
  std::vector<std::unique_ptr<Connection>> streams;
  for (int i = 0; i < 3; ++i) {
    streams.push_back(open_stream());
    ASSERT_FALSE(streams.back()->read_all(100ms).empty());
  }
  ASSERT_EQ(change("PUT", "/settings/theme", R"({"value":"dark"})"), 200u);
  ASSERT_EQ(change("PUT", "/settings/font", R"({"value":12})"), 200u);
  ASSERT_EQ(change("DELETE", "/settings/theme"), 204u);
  ASSERT_EQ(change("DELETE", "/settings"), 204u);
  for (auto& stream : streams) {
    auto events = stream->read_all(300ms);
    auto changed = events.find(
        "id: 1\nevent: settings.changed\ndata: {\"key\":\"theme\",\"value\":\"dark\","
        "\"revision\":1}\n\n");
    auto deleted =
        events.find("id: 3\nevent: settings.deleted\ndata: {\"key\":\"theme\",\"revision\":3}\n\n");
    auto cleared = events.find("id: 4\nevent: settings.cleared\ndata: {\"revision\":4}\n\n");
    EXPECT_NE(changed, std::string::npos) << events;
    EXPECT_NE(deleted, std::string::npos) << events;
    EXPECT_NE(cleared, std::string::npos) << events;
    EXPECT_TRUE(changed < deleted && deleted < cleared) << events;
  }
}

TEST_F(EventStream, ResumingWithLastEventIdReplaysTheChangesAfterItInOrder) {
  start();
  for (auto key : {"a", "b", "c"})
    ASSERT_EQ(change("PUT", std::string("/settings/") + key, R"({"value":1})"), 200u);
  auto stream = open_stream("Last-Event-ID: 1\r\n");
  auto replayed = stream->read_all(300ms);
  auto second = replayed.find("id: 2\nevent: settings.changed\ndata: {\"key\":\"b\"");
  auto third = replayed.find("id: 3\nevent: settings.changed\ndata: {\"key\":\"c\"");
  EXPECT_EQ(replayed.find("id: 1\n"), std::string::npos) << replayed;
  EXPECT_NE(second, std::string::npos) << replayed;
  EXPECT_NE(third, std::string::npos) << replayed;
  EXPECT_LT(second, third);
  // Then live, without repeating the replay.
  ASSERT_EQ(change("PUT", "/settings/d", R"({"value":2})"), 200u);
  auto live = stream->read_all(300ms);
  EXPECT_NE(live.find("id: 4\nevent: settings.changed\n"), std::string::npos) << live;
  EXPECT_EQ(live.find("id: 3\n"), std::string::npos) << live;
}

TEST_F(EventStream, AnIdThatCannotBeReplayedFromGetsResyncFirst) {
  start();
  ASSERT_EQ(change("PUT", "/settings/a", R"({"value":1})"), 200u);
  for (auto id : {"999", "not-a-number"}) {
    auto stream = open_stream("Last-Event-ID: " + std::string(id) + "\r\n");
    auto events = stream->read_all(300ms);
    EXPECT_NE(events.find("retry: 1000\n\n\r\n"), std::string::npos) << events;
    EXPECT_NE(events.find("id: 1\nevent: resync\ndata: {\"revision\":1}\n\n"), std::string::npos) << events;
  }
}

TEST_F(EventStream, AnswersWithAChunkedEventStreamThatStartsWithRetry) {
  start();
  auto stream = open_stream();
  auto head = stream->read_all(500ms);
  EXPECT_TRUE(head.starts_with("HTTP/1.1 200 OK\r\n")) << head;
  EXPECT_NE(head.find("Content-Type: text/event-stream\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("Cache-Control: no-store\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << head;
  EXPECT_EQ(head.find("Content-Length"), std::string::npos) << head;
  EXPECT_NE(head.find("\r\n\r\nd\r\nretry: 1000\n\n\r\n"), std::string::npos) << head;
}

TEST_F(EventStream, Http10GetsACloseDelimitedStream) {
  start();
  auto stream = open_stream("", "HTTP/1.0");
  auto head = stream->read_all(500ms);
  EXPECT_NE(head.find("Connection: close\r\n"), std::string::npos) << head;
  EXPECT_EQ(head.find("Transfer-Encoding"), std::string::npos) << head;
  EXPECT_TRUE(head.ends_with("\r\n\r\nretry: 1000\n\n")) << head;
}

TEST_F(EventStream, NeedsTheTokenWhenOneIsSet) {
  start({.env = {{"BACKEND_TOKEN", "stream-token"}}});
  auto refused = fetch(port_, "GET", "/events");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->result_int(), 401u);
  auto stream = open_stream("Authorization: Bearer stream-token\r\n");
  EXPECT_TRUE(stream->read_all(300ms).starts_with("HTTP/1.1 200 OK\r\n"));
}

TEST_F(EventStream, AnIdleStreamOutlivesTheIdleTimeoutAndGetsAHeartbeat) {
  start();
  auto stream = open_stream();
  auto opened = std::chrono::steady_clock::now();
  auto head = stream->read_all(14s);  // past the idle timeout (5 s) and the request deadline (10 s)
  EXPECT_EQ(head.find(": ping"), std::string::npos) << "a heartbeat before 15 s of quiet";
  auto more = stream->read_all(2500ms);
  EXPECT_NE(more.find("8\r\n: ping\n\n\r\n"), std::string::npos) << more;
  EXPECT_LT(std::chrono::steady_clock::now() - opened, 17s);
}

TEST_F(EventStream, ALiveStreamIsNeverClosedToMakeRoom) {
  start({.env = {{"BACKEND_MAX_CONNECTIONS", "2"}}});
  auto first = open_stream();
  auto second = open_stream();
  ASSERT_FALSE(first->read_all(300ms).empty());
  ASSERT_FALSE(second->read_all(300ms).empty());
  Connection extra(port_);
  auto answer = extra.read_all(2s);
  EXPECT_NE(answer.find("503 Service Unavailable"), std::string::npos) << answer;
  EXPECT_FALSE(first->wait_closed(200ms));
  EXPECT_FALSE(second->wait_closed(200ms));
}

TEST_F(EventStream, AHundredOpenStreamsEndAtOnceOnShutdown) {
  start();
  std::vector<std::unique_ptr<Connection>> streams;
  for (int i = 0; i < 100; ++i)
    streams.push_back(open_stream());
  for (auto& stream : streams)
    ASSERT_FALSE(stream->read_all(100ms).empty());
  auto asked = std::chrono::steady_clock::now();
  sidecar_->write_stdin("shutdown\n");
  auto code = sidecar_->wait_exit(1s);
  ASSERT_TRUE(code) << "still running 1 s after shutdown with 100 open streams";
  EXPECT_EQ(*code, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 500ms);
  for (auto& stream : streams) {
    // The clean end of the chunked body, then the close.
    auto rest = stream->read_all(1s);
    EXPECT_EQ(rest, "0\r\n\r\n");
  }
}

}  // namespace
}  // namespace backend::e2e

namespace backend::e2e {
namespace {

// Issue 9's admission scenario: another process holds 1,500 idle or half-sent connections, far past the cap,
// while the app has 100 live streams. /health still answers within 1 s, and every stream gets the next
// change.
TEST_F(EventStream, ANeighbourHolding1500ConnectionsLocksOutNeitherHealthNorStreams) {
  constexpr int kStreams = 100;
  constexpr int kNeighbourConnections = 1500;
  start({.env = {{"BACKEND_MAX_CONNECTIONS", "512"}}});
  std::vector<std::unique_ptr<Connection>> streams;
  for (int i = 0; i < kStreams; ++i) {
    streams.push_back(open_stream());
    ASSERT_NE(streams.back()->read_all(20ms).find("retry:"), std::string::npos) << "stream " << i;
  }

  // The neighbour: a child process of its own, with raw sockets, half idle and half with a header never
  // ended.
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  // Built before the fork: the child only makes system calls.
  std::string half = "GET /health HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) + "\r\nX-Slow: ";
  pid_t neighbour = ::fork();
  ASSERT_GE(neighbour, 0);
  if (neighbour == 0) {
    rlimit files{};
    ::getrlimit(RLIMIT_NOFILE, &files);
    // Room for the 1,500 beside the descriptors inherited from this test process (its streams).
    files.rlim_cur = std::min<rlim_t>(files.rlim_max, 8192);
    ::setrlimit(RLIMIT_NOFILE, &files);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port_);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int opened = 0;
    for (int i = 0; i < kNeighbourConnections; ++i) {
      int fd = ::socket(AF_INET, SOCK_STREAM, 0);
      if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) break;
      if (i % 2 == 1) (void)!::write(fd, half.data(), half.size());
      ++opened;
    }
    (void)!::write(ready[1], &opened, sizeof opened);
    ::pause();  // holds them until killed
    ::_exit(0);
  }
  ::close(ready[1]);
  int opened = 0;
  ASSERT_EQ(::read(ready[0], &opened, sizeof opened), static_cast<ssize_t>(sizeof opened));
  ::close(ready[0]);
  EXPECT_EQ(opened, kNeighbourConnections);

  {
    Connection client(port_);
    client.send(request(port_, "GET", "/health"));
    auto health = client.read(false, 1s);
    EXPECT_TRUE(health && health->result_int() == 200) << "/health did not answer within 1 s";
  }
  ASSERT_EQ(change("PUT", "/settings/after-the-flood", R"({"value":1})"), 200u);
  int delivered = 0;
  for (auto& stream : streams) {
    // The event is written to every stream at once: a short wait finds it, a longer one only if it is late.
    std::string seen = stream->read_all(20ms);
    if (seen.find("event: settings.changed") == std::string::npos) seen += stream->read_all(500ms);
    if (seen.find("event: settings.changed") != std::string::npos) ++delivered;
  }
  EXPECT_EQ(delivered, kStreams);
  ::kill(neighbour, SIGKILL);
  ::waitpid(neighbour, nullptr, 0);
}

}  // namespace
}  // namespace backend::e2e
