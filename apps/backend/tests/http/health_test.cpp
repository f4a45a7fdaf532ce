#include "http/health.hpp"

#include <gtest/gtest.h>

#include <array>
#include <boost/json/parse.hpp>

namespace backend {
namespace {

TEST(HealthDocument, HasTheFourFieldsWithTheirTypes) {
  HealthDocument doc("demo");
  std::array<char, 256> buffer{};
  auto text = doc.write(buffer, 1732530000123, 12.3456);
  auto value = boost::json::parse(text).as_object();
  EXPECT_EQ(value.size(), 4u);
  EXPECT_EQ(value.at("status").as_string(), "ok");
  EXPECT_EQ(value.at("app").as_string(), "demo");
  ASSERT_TRUE(value.at("timestamp").is_int64());
  EXPECT_EQ(value.at("timestamp").as_int64(), 1732530000123);
  ASSERT_TRUE(value.at("uptime").is_double());
  EXPECT_DOUBLE_EQ(value.at("uptime").as_double(), 12.346);
}

TEST(HealthDocument, EscapesTheAppName) {
  HealthDocument doc("a\"b\\c");
  std::array<char, 256> buffer{};
  auto value = boost::json::parse(doc.write(buffer, 1, 0.0)).as_object();
  EXPECT_EQ(value.at("app").as_string(), "a\"b\\c");
}

TEST(HealthDocument, ReportsTooSmallABuffer) {
  HealthDocument doc("demo");
  std::array<char, 40> small{};
  EXPECT_TRUE(doc.write(small, 1732530000123, 1.0).empty());
}

}  // namespace
}  // namespace backend
