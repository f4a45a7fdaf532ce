#include "http/response.hpp"

#include <gtest/gtest.h>

namespace backend {
namespace {

constexpr std::string_view kDate = "Sun, 06 Nov 1994 08:49:37 GMT";

TEST(ResponseSerialize, WritesStatusHeadersAndBody) {
  Response r;
  r.body = R"({"a":1})";
  std::string out;
  serialize(r, {kDate, 11, false}, out);
  EXPECT_EQ(
      out,
      "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Type: application/json\r\n"
      "Content-Length: 7\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\r\n{\"a\":1}");
}

TEST(ResponseSerialize, HeadKeepsTheLengthAndDropsTheBody) {
  Response r;
  r.body = "12345";
  r.omit_body = true;
  std::string out;
  serialize(r, {kDate, 11, false}, out);
  EXPECT_NE(out.find("Content-Length: 5\r\n"), std::string::npos);
  EXPECT_TRUE(out.ends_with("\r\n\r\n"));
}

TEST(ResponseSerialize, TellsHttp10ClientsToKeepAliveAndAnyClientWhenClosing) {
  Response r;
  std::string out;
  serialize(r, {kDate, 10, false}, out);
  EXPECT_NE(out.find("Connection: keep-alive\r\n"), std::string::npos);
  out.clear();
  serialize(r, {kDate, 11, true}, out);
  EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos);
}

TEST(ResponseSerialize, AddsCorsAndAllowWhenAsked) {
  Response r;
  r.status = 204;
  r.allow = "GET, HEAD, OPTIONS";
  r.cors_origin = "tauri://localhost";
  r.cors_preflight = true;
  std::string out;
  serialize(r, {kDate, 11, false}, out);
  EXPECT_TRUE(out.starts_with("HTTP/1.1 204 No Content\r\n"));
  EXPECT_EQ(out.find("Content-Length"), std::string::npos);
  EXPECT_NE(out.find("Access-Control-Allow-Origin: tauri://localhost\r\nVary: Origin\r\n"),
            std::string::npos);
  EXPECT_NE(out.find("Access-Control-Allow-Methods: GET, HEAD, OPTIONS\r\n"), std::string::npos);
  EXPECT_NE(out.find("Allow: GET, HEAD, OPTIONS\r\n"), std::string::npos);
}

}  // namespace
}  // namespace backend
