#include "http/request_parser.hpp"

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>

namespace backend {
namespace {

namespace http = boost::beast::http;

struct Parsed {
  Request request;
  bool done = false;
  std::optional<HttpError> error;
};

Parsed parse(std::string_view raw) {
  Parsed out;
  RequestParser parser(out.request);
  boost::system::error_code ec;
  std::size_t offset = 0;
  while (offset < raw.size() && !parser.is_done()) {
    std::size_t used = parser.put(boost::asio::buffer(raw.data() + offset, raw.size() - offset), ec);
    offset += used;
    if (ec) break;
    if (used == 0) break;
  }
  if (ec && ec != http::error::need_more) out.error = parser.error_for(ec, raw);
  out.done = parser.is_done();
  return out;
}

TEST(RequestParser, FillsTheRequest) {
  auto p = parse(
      "GET /health?x=1 HTTP/1.1\r\nHost: 127.0.0.1:9\r\nOrigin: tauri://localhost\r\n"
      "Authorization: Bearer t\r\n\r\n");
  ASSERT_FALSE(p.error);
  EXPECT_TRUE(p.done);
  EXPECT_EQ(p.request.method, http::verb::get);
  EXPECT_EQ(p.request.target, "/health?x=1");
  EXPECT_EQ(p.request.version, 11u);
  EXPECT_EQ(p.request.host, "127.0.0.1:9");
  EXPECT_EQ(p.request.host_count, 1u);
  EXPECT_EQ(p.request.origin, "tauri://localhost");
  EXPECT_EQ(p.request.authorization, "Bearer t");
  EXPECT_TRUE(p.request.keep_alive);
}

TEST(RequestParser, HonoursConnectionSemanticsOfEachVersion) {
  EXPECT_FALSE(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").request.keep_alive);
  EXPECT_FALSE(parse("GET / HTTP/1.0\r\nHost: a\r\n\r\n").request.keep_alive);
  EXPECT_TRUE(parse("GET / HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n").request.keep_alive);
}

TEST(RequestParser, ReadsAndDropsASmallBody) {
  auto p = parse("POST /health HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_FALSE(p.error);
  EXPECT_TRUE(p.done);
}

TEST(RequestParserSmuggling, RejectsAnyTransferEncoding) {
  EXPECT_EQ(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n").error,
            HttpError::bad_request);
  EXPECT_EQ(
      parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n").error,
      HttpError::bad_request);
  EXPECT_EQ(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n").error,
            HttpError::bad_request);
}

TEST(RequestParserSmuggling, RejectsContentLengthAmbiguity) {
  EXPECT_EQ(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc").error,
            HttpError::bad_request);
  EXPECT_EQ(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\nabc").error,
            HttpError::bad_request);
  EXPECT_EQ(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n").error, HttpError::bad_request);
  EXPECT_EQ(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\nabc").error,
            HttpError::bad_request);
}

TEST(RequestParserSmuggling, RejectsHttp10WithABody) {
  EXPECT_EQ(parse("POST / HTTP/1.0\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc").error,
            HttpError::bad_request);
}

TEST(RequestParserSmuggling, RejectsMissingOrRepeatedHost) {
  EXPECT_EQ(parse("GET / HTTP/1.1\r\n\r\n").error, HttpError::bad_request);
  EXPECT_EQ(parse("GET / HTTP/1.0\r\n\r\n").error, HttpError::bad_request);
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").error, HttpError::bad_request);
}

TEST(RequestParserVersions, RejectsUnknownVersionsWith505) {
  EXPECT_EQ(parse("GET / HTTP/2.0\r\nHost: a\r\n\r\n").error, HttpError::http_version_not_supported);
  EXPECT_EQ(parse("GET / HTTP/1.2\r\nHost: a\r\n\r\n").error, HttpError::http_version_not_supported);
  EXPECT_EQ(parse("GET / HTTP/0.9\r\nHost: a\r\n\r\n").error, HttpError::http_version_not_supported);
  EXPECT_EQ(parse("GET / HTTX/1.1\r\nHost: a\r\n\r\n").error, HttpError::bad_request);
}

TEST(RequestParserLimits, RejectsLongTargetsWith414) {
  std::string target(3000, 'a');
  EXPECT_EQ(parse("GET /" + target + " HTTP/1.1\r\nHost: a\r\n\r\n").error, HttpError::uri_too_long);
}

TEST(RequestParserLimits, RejectsHugeHeadersAndTooManyFieldsWith431) {
  std::string big = "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(9000, 'x') + "\r\n\r\n";
  EXPECT_EQ(parse(big).error, HttpError::header_fields_too_large);
  std::string many = "GET / HTTP/1.1\r\nHost: a\r\n";
  for (int i = 0; i < 70; ++i)
    many += "X-" + std::to_string(i) + ": 1\r\n";
  EXPECT_EQ(parse(many + "\r\n").error, HttpError::header_fields_too_large);
}

// The route decides the body's limit once the header is known (Router::body_allowance), so the parser
// accepts the header of any length and reads no body byte by itself.
TEST(RequestParserLimits, StopsAfterTheHeaderWhateverTheContentLength) {
  auto result = parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\nabc");
  EXPECT_EQ(result.error, std::nullopt);
}

}  // namespace
}  // namespace backend
