#include "http/header_guard.hpp"

#include <gtest/gtest.h>

namespace backend {
namespace {

using namespace std::string_literals;

TEST(HeaderGuard, AcceptsAPlainRequest) {
  EXPECT_FALSE(check_header_block("GET /health HTTP/1.1\r\nHost: 127.0.0.1:1\r\nX-A: b\tc\r\n\r\n"));
}

TEST(HeaderGuard, RejectsObsFold) {
  EXPECT_EQ(check_header_block("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n"), HttpError::bad_request);
  EXPECT_EQ(check_header_block("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n\tc\r\n\r\n"), HttpError::bad_request);
}

TEST(HeaderGuard, RejectsBareCrAndBareLf) {
  EXPECT_EQ(check_header_block("GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n"), HttpError::bad_request);
  EXPECT_EQ(check_header_block("GET / HTTP/1.1\nHost: a\r\n\r\n"), HttpError::bad_request);
}

TEST(HeaderGuard, RejectsNulAndOtherControls) {
  EXPECT_EQ(check_header_block("GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n"s), HttpError::bad_request);
  EXPECT_EQ(check_header_block("GET / HTTP/1.1\r\nHost: a\x01\r\n\r\n"), HttpError::bad_request);
  EXPECT_EQ(check_header_block("GET / HTTP/1.1\r\nHost: a\x7f\r\n\r\n"), HttpError::bad_request);
}

}  // namespace
}  // namespace backend
