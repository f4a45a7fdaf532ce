// Event streams in-process: a real io_context serving real loopback sockets, with events published from the
// test through the EventHub (the shipped binary publishes only from the store).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <string>
#include <thread>

#include "app/route_table.hpp"
#include "http/router.hpp"
#include "log/logger.hpp"
#include "net/connection_context.hpp"
#include "net/listener.hpp"
#include "net/session.hpp"

namespace backend {
namespace {

using namespace std::chrono_literals;

class NullSink : public LogSink {
 public:
  bool try_write(std::string_view) override { return true; }
};

// A blocking client socket with a receive timeout, so a missing event fails the test instead of hanging it.
class Client {
 public:
  Client(std::uint16_t port, int receive_buffer = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (receive_buffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    timeval timeout{0, 200'000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~Client() { ::close(fd_); }
  bool connected() const { return connected_; }
  void send(std::string_view bytes) { (void)::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }
  // Reads until `text` has arrived (true), the peer closed, or the timeout passed.
  bool read_until(std::string_view text, std::chrono::milliseconds timeout = 3s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t from = 0;
    while (received.find(text, from) == std::string::npos) {
      if (closed || std::chrono::steady_clock::now() > deadline) return false;
      // Only the new bytes (and a text's length before them) can hold the first match.
      from = received.size() > text.size() ? received.size() - text.size() : 0;
      read_some();
    }
    return true;
  }
  bool wait_closed(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!closed && std::chrono::steady_clock::now() < deadline)
      read_some();
    return closed;
  }
  std::string received;
  bool closed = false;

 private:
  void read_some() {
    char buffer[16384];
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n > 0) received.append(buffer, static_cast<std::size_t>(n));
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) closed = true;
  }
  int fd_ = -1;
  bool connected_ = false;
};

class EventStreams : public ::testing::Test {
 protected:
  // Runs `work` on the io thread and waits for it.
  template <typename Work>
  auto run(Work work) {
    std::packaged_task<decltype(work())()> task(std::move(work));
    auto result = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return result.get();
  }
  void SetUp() override {
    ASSERT_FALSE(listener_.open({boost::asio::ip::make_address("127.0.0.1"), 0}));
    port_ = listener_.local_endpoint().port();
    router_.emplace(AccessPolicy(port_, {}, {}, ""), app::route_table(), "test",
                    std::chrono::steady_clock::now());
    context_.emplace(*router_, log_, io_.get_executor(), 64);
    listener_.start(*context_);
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    run([this] {
      listener_.stop();
      context_->draining = true;
      context_->sessions.for_each([](Session& s) { s.force_close(); });
      context_->deadlines.stop();
    });
    thread_.join();
  }
  std::unique_ptr<Client> subscribe(std::string_view extra_headers = "", int receive_buffer = 0) {
    auto client = std::make_unique<Client>(port_, receive_buffer);
    EXPECT_TRUE(client->connected());
    client->send("GET /events HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) + "\r\n" +
                 std::string(extra_headers) + "\r\n");
    EXPECT_TRUE(client->read_until("retry: 1000\n\n\r\n"));
    return client;
  }
  std::size_t streams() {
    return run([this] { return context_->hub.size(); });
  }

  boost::asio::io_context io_;
  NullSink sink_;
  Logger log_{LogLevel::error, sink_};
  Listener listener_{io_};
  std::uint16_t port_ = 0;
  std::optional<Router> router_;
  std::optional<ConnectionContext> context_;
  std::thread thread_;
};

TEST_F(EventStreams, APublishedEventReachesEveryStreamAtOnce) {
  auto a = subscribe();
  auto b = subscribe();
  auto c = subscribe();
  ASSERT_EQ(streams(), 3u);
  run([this] { context_->hub.publish(7, "settings.changed", R"({"key":"k","value":1,"revision":7})"); });
  std::string chunk =
      "id: 7\nevent: settings.changed\ndata: {\"key\":\"k\",\"value\":1,\"revision\":7}\n\n\r\n";
  for (auto* client : {a.get(), b.get(), c.get()})
    EXPECT_TRUE(client->read_until(chunk)) << client->received;
}

TEST_F(EventStreams, AResumingStreamGetsTheReplayFirstAndNoEventTwice) {
  run([this] {
    context_->hub.set_replay_source([](std::string_view last, std::vector<events::ReplayedEvent>& out) {
      if (last == "4") {
        out.push_back({5, "settings.deleted", R"({"key":"a","revision":5})"});
        out.push_back({6, "settings.cleared", R"({"revision":6})"});
      }
    });
  });
  auto client = subscribe("Last-Event-ID: 4\r\n");
  EXPECT_TRUE(client->read_until("id: 6\nevent: settings.cleared\n"));
  EXPECT_NE(client->received.find("id: 5\nevent: settings.deleted\n"), std::string::npos);
  EXPECT_LT(client->received.find("id: 5\n"), client->received.find("id: 6\n"));
  // The store may publish a change the replay already held: it is skipped.
  run([this] {
    context_->hub.publish(6, "settings.cleared", R"({"revision":6})");
    context_->hub.publish(8, "settings.cleared", R"({"revision":8})");
  });
  EXPECT_TRUE(client->read_until("id: 8\n"));
  auto first_six = client->received.find("id: 6\n");
  EXPECT_EQ(client->received.find("id: 6\n", first_six + 1), std::string::npos) << "event 6 sent twice";
}

TEST_F(EventStreams, AReaderThatFallsBehindIsDisconnectedWithoutSlowingTheOthers) {
  auto stuck = subscribe("", 4096);  // never reads again
  auto reader = subscribe();
  std::string data(2000, 'x');
  data = R"({"key":"big","value":")" + data + R"(","revision":0})";
  constexpr int kEvents = 6000;  // 12 MB: more than the kernel buffers and the queue bound hold
  constexpr int kBatch = 20;
  // Changes come in bursts a reader can follow (40 KB each millisecond), not all in one handler.
  std::thread publisher([&] {
    for (int i = 1; i <= kEvents; i += kBatch) {
      run([&, i] {
        for (int j = i; j < i + kBatch; ++j)
          context_->hub.publish(static_cast<std::uint64_t>(j), "settings.changed", data);
      });
      std::this_thread::sleep_for(1ms);
    }
  });
  // The reader keeps up and gets every event, the last one included.
  EXPECT_TRUE(reader->read_until("id: " + std::to_string(kEvents) + "\n", 30s));
  publisher.join();
  EXPECT_EQ(streams(), 1u) << "the stuck reader was not disconnected";
}

TEST_F(EventStreams, DrainingEndsAStreamWithTheLastChunk) {
  auto client = subscribe();
  run([this] { context_->sessions.for_each([](Session& s) { s.drain(); }); });
  EXPECT_TRUE(client->read_until("0\r\n\r\n"));
  EXPECT_TRUE(client->wait_closed(1s));
}

}  // namespace
}  // namespace backend
