// Request bodies against the real binary (issue 7): each failure has its own status, and a refused request
// stores nothing. PUT /settings/{key} is the route that takes a body.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <filesystem>

#include "http_client.hpp"
#include "sidecar_process.hpp"

namespace backend::e2e {
namespace {

namespace json = boost::json;

class BodyErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir("body");
    sidecar_ = std::make_unique<Sidecar>(Launch{.env = {{"BACKEND_DATA_DIR", dir_}}});
    port_ = sidecar_->port();
    ASSERT_NE(port_, 0);
  }
  void TearDown() override {
    sidecar_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::optional<HttpResponse> put(std::string_view body, std::string_view content_type = "application/json") {
    Connection connection(port_);
    std::string headers = "Content-Length: " + std::to_string(body.size()) + "\r\n";
    if (!content_type.empty()) headers += "Content-Type: " + std::string(content_type) + "\r\n";
    connection.send(request(port_, "PUT", "/settings/k", headers) + std::string(body));
    return connection.read();
  }
  void expect_nothing_stored() {
    auto all = fetch(port_, "GET", "/settings");
    ASSERT_TRUE(all);
    EXPECT_TRUE(json::parse(all->body()).at("entries").as_object().empty());
  }
  static json::object error_of(const HttpResponse& r) { return json::parse(r.body()).as_object(); }

  std::string dir_;
  std::unique_ptr<Sidecar> sidecar_;
  std::uint16_t port_ = 0;
};

TEST_F(BodyErrors, ABodyOnARouteThatTakesNoneIs415) {
  Connection connection(port_);
  connection.send(
      request(port_, "GET", "/health", "Content-Type: application/json\r\nContent-Length: 2\r\n") + "{}");
  auto response = connection.read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 415u);
  EXPECT_EQ(error_of(*response).at("error"), "unsupported_media_type");
}

TEST_F(BodyErrors, AContentTypeThatIsNotJsonIs415) {
  for (std::string_view type : {"text/plain", "application/x-www-form-urlencoded", ""}) {
    auto response = put(R"({"value":1})", type);
    ASSERT_TRUE(response) << type;
    EXPECT_EQ(response->result_int(), 415u) << type;
    EXPECT_EQ(error_of(*response).at("error"), "unsupported_media_type");
  }
  auto with_charset = put(R"({"value":1})", "Application/JSON; charset=utf-8");
  ASSERT_TRUE(with_charset);
  EXPECT_EQ(with_charset->result_int(), 200u);
}

TEST_F(BodyErrors, MalformedJsonIs400NamingTheByteOffset) {
  auto response = put(R"({"value": [1, 2,, 3]})");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 400u);
  auto error = error_of(*response);
  EXPECT_EQ(error.at("error"), "bad_request");
  EXPECT_NE(std::string(error.at("message").as_string()).find("at byte 16"), std::string::npos)
      << error.at("message");
  expect_nothing_stored();
  // The connection stays usable: the body was framed correctly.
}

TEST_F(BodyErrors, WrongShapeIs422WithAPointerToTheMember) {
  struct Case {
    std::string body;
    std::string pointer;
  };
  for (const auto& c : {Case{R"({})", "/value"}, Case{R"({"value":1,"extra":2})", "/extra"},
                        Case{R"([1])", ""}, Case{R"({"valu":1})", "/value"}}) {
    auto response = put(c.body);
    ASSERT_TRUE(response) << c.body;
    EXPECT_EQ(response->result_int(), 422u) << c.body;
    auto error = error_of(*response);
    EXPECT_EQ(error.at("error"), "unprocessable_content") << c.body;
    EXPECT_EQ(error.at("pointer").as_string(), c.pointer) << c.body;
  }
  expect_nothing_stored();
}

TEST_F(BodyErrors, OverTheLimitIs413AndTheBodyIsNotRead) {
  // Only the header is sent: the answer comes without waiting for the 10 MB, and the connection closes.
  Connection connection(port_);
  connection.send(
      request(port_, "PUT", "/settings/k", "Content-Type: application/json\r\nContent-Length: 10000000\r\n"));
  auto response = connection.read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 413u);
  EXPECT_EQ(error_of(*response).at("error"), "payload_too_large");
  EXPECT_TRUE(connection.wait_closed(2s));
  // A value over 1 MiB inside a body within the route's limit is refused too.
  auto big = put("{\"value\":\"" + std::string(1024 * 1024, 'x') + "\"}");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->result_int(), 413u);
  expect_nothing_stored();
}

TEST_F(BodyErrors, TransferEncodingIsStillRefused) {
  Connection connection(port_);
  connection.send(request(port_, "PUT", "/settings/k",
                          "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n") +
                  "5\r\n{\"a\":\r\n0\r\n\r\n");
  auto response = connection.read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 400u);
  expect_nothing_stored();
}

}  // namespace
}  // namespace backend::e2e
