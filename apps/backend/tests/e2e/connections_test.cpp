// Contract point 7: keep-alive, pipelining, HTTP/1.0, and the idle timeout.
#include <gtest/gtest.h>

#include "http_client.hpp"
#include "sidecar_process.hpp"

namespace backend::e2e {
namespace {

namespace http = boost::beast::http;

class Connections : public RunningSidecar {};

TEST_F(Connections, PipelinedRequestsAreAnsweredInOrderOnOneConnection) {
  Connection connection(port_);
  connection.send(request(port_, "GET", "/health") + request(port_, "GET", "/nope") +
                  request(port_, "HEAD", "/health") + request(port_, "POST", "/health"));
  auto first = connection.read();
  auto second = connection.read();
  auto third = connection.read(true);
  auto fourth = connection.read();
  ASSERT_TRUE(first && second && third && fourth);
  EXPECT_EQ(first->result_int(), 200u);
  EXPECT_EQ(second->result_int(), 404u);
  EXPECT_EQ(third->result_int(), 200u);
  EXPECT_EQ(fourth->result_int(), 405u);
  EXPECT_FALSE(connection.wait_closed(300ms));
}

TEST_F(Connections, ManyPipelinedRequestsInOneWriteAllGetAnswers) {
  Connection connection(port_);
  std::string batch;
  for (int i = 0; i < 500; ++i)
    batch += request(port_, "GET", "/health");
  connection.send(batch);
  for (int i = 0; i < 500; ++i) {
    auto response = connection.read();
    ASSERT_TRUE(response) << "response " << i;
    ASSERT_EQ(response->result_int(), 200u);
  }
}

TEST_F(Connections, KeepAliveServesSequentialRequests) {
  Connection connection(port_);
  for (int i = 0; i < 3; ++i) {
    connection.send(request(port_, "GET", "/health"));
    auto response = connection.read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result_int(), 200u);
    EXPECT_TRUE(response->keep_alive());
  }
}

TEST_F(Connections, ConnectionCloseIsHonoured) {
  Connection connection(port_);
  connection.send(request(port_, "GET", "/health", "Connection: close\r\n"));
  auto response = connection.read();
  ASSERT_TRUE(response);
  EXPECT_EQ((*response)[http::field::connection], "close");
  EXPECT_TRUE(connection.wait_closed(2s));
}

TEST_F(Connections, Http10ClosesUnlessAskedToKeepAlive) {
  Connection plain(port_);
  plain.send(request(port_, "GET", "/health", "", "HTTP/1.0"));
  auto response = plain.read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);
  EXPECT_TRUE(plain.wait_closed(2s));

  Connection kept(port_);
  kept.send(request(port_, "GET", "/health", "Connection: keep-alive\r\n", "HTTP/1.0"));
  response = kept.read();
  ASSERT_TRUE(response);
  EXPECT_EQ((*response)[http::field::connection], "keep-alive");
  kept.send(request(port_, "GET", "/health", "Connection: keep-alive\r\n", "HTTP/1.0"));
  EXPECT_TRUE(kept.read());
}

TEST_F(Connections, IdleKeepAliveConnectionClosesAfterFiveSeconds) {
  Connection connection(port_);
  connection.send(request(port_, "GET", "/health"));
  ASSERT_TRUE(connection.read());
  EXPECT_FALSE(connection.wait_closed(4s)) << "closed before the 5 s idle timeout";
  EXPECT_TRUE(connection.wait_closed(2500ms)) << "still open well after the 5 s idle timeout";
}

}  // namespace
}  // namespace backend::e2e
