#include "http/http_error.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace backend {
namespace {

TEST(HttpError, EveryBodyIsTheDocumentedJsonShape) {
  for (int i = 0; i <= static_cast<int>(HttpError::http_version_not_supported); ++i) {
    const auto& e = info(static_cast<HttpError>(i));
    auto body = boost::json::parse(e.body).as_object();
    EXPECT_EQ(body.size(), 2u) << e.body;
    EXPECT_EQ(body.at("error").as_string(), e.code) << e.body;
    EXPECT_FALSE(body.at("message").as_string().empty());
    EXPECT_NE(reason_phrase(e.status), "Unknown") << e.status;
  }
}

TEST(HttpError, FramingErrorsCloseTheConnection) {
  EXPECT_TRUE(closes_connection(HttpError::bad_request));
  EXPECT_TRUE(closes_connection(HttpError::header_fields_too_large));
  EXPECT_FALSE(closes_connection(HttpError::not_found));
  EXPECT_FALSE(closes_connection(HttpError::unauthorized));
}

}  // namespace
}  // namespace backend
