// Contract point 6: GET and HEAD /health, 404, 405, 400, and the embedded OpenAPI document.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <thread>

#include "http_client.hpp"
#include "sidecar_process.hpp"

namespace backend::e2e {
namespace {

namespace http = boost::beast::http;

class ContractHealth : public RunningSidecar {};

TEST_F(ContractHealth, AnswersStatusAppTimestampAndUptimeWithTheirTypes) {
  auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  auto response = fetch(port_, "GET", "/health");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);
  EXPECT_EQ((*response)[http::field::content_type], "application/json");
  EXPECT_EQ((*response)[http::field::cache_control], "no-store");
  auto doc = boost::json::parse(response->body()).as_object();
  EXPECT_EQ(doc.size(), 4u);
  EXPECT_EQ(doc.at("status").as_string(), "ok");
  EXPECT_EQ(doc.at("app").as_string(), BACKEND_EXPECTED_NAME);
  ASSERT_TRUE(doc.at("timestamp").is_int64());
  EXPECT_NEAR(static_cast<double>(doc.at("timestamp").as_int64()), static_cast<double>(before), 5000.0);
  ASSERT_TRUE(doc.at("uptime").is_number());
  EXPECT_GE(doc.at("uptime").to_number<double>(), 0.0);
}

TEST_F(ContractHealth, UptimeGrowsBetweenCalls) {
  auto uptime = [&] {
    auto response = fetch(port_, "GET", "/health");
    return response ? boost::json::parse(response->body()).at("uptime").to_number<double>() : -1.0;
  };
  double first = uptime();
  std::this_thread::sleep_for(50ms);
  double second = uptime();
  EXPECT_GE(first, 0.0);
  EXPECT_GT(second, first);
}

TEST_F(ContractHealth, HeadSendsTheSameHeadersAndNoBody) {
  Connection connection(port_);
  connection.send(request(port_, "HEAD", "/health") + request(port_, "GET", "/health"));
  auto head = connection.read(true);
  auto get = connection.read();
  ASSERT_TRUE(head && get);
  EXPECT_EQ(head->result_int(), 200u);
  EXPECT_TRUE(head->body().empty());
  EXPECT_EQ((*head)[http::field::content_type], "application/json");
  EXPECT_EQ((*head)[http::field::cache_control], "no-store");
  // The GET right behind it parsed cleanly, so the HEAD answer carried no stray body bytes.
  EXPECT_EQ((*head)[http::field::content_length], (*get)[http::field::content_length]);
}

TEST_F(ContractHealth, UnknownPathIs404WithJsonError) {
  auto response = fetch(port_, "GET", "/does-not-exist");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 404u);
  EXPECT_EQ((*response)[http::field::content_type], "application/json");
  EXPECT_EQ(boost::json::parse(response->body()).at("error").as_string(), "not_found");
}

TEST_F(ContractHealth, WrongMethodIs405WithAllow) {
  auto response = fetch(port_, "DELETE", "/health");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 405u);
  EXPECT_EQ((*response)[http::field::allow], "GET, HEAD, OPTIONS");
  EXPECT_EQ(boost::json::parse(response->body()).at("error").as_string(), "method_not_allowed");
}

TEST_F(ContractHealth, MalformedRequestIs400AndTheConnectionCloses) {
  Connection connection(port_);
  connection.send("GARBAGE\r\n\r\n");
  auto response = connection.read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 400u);
  EXPECT_EQ(boost::json::parse(response->body()).at("error").as_string(), "bad_request");
  EXPECT_TRUE(connection.wait_closed(2s));
}

TEST_F(ContractHealth, ServesTheOpenApiDocument) {
  auto response = fetch(port_, "GET", "/openapi.json");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);
  auto doc = boost::json::parse(response->body()).as_object();
  EXPECT_TRUE(doc.at("openapi").as_string().starts_with("3.1"));
}

}  // namespace
}  // namespace backend::e2e
