#include "http/health.hpp"

#include <gtest/gtest.h>

#include <array>
#include <boost/json/parse.hpp>

namespace backend {
namespace {

TEST(HealthDocument, HasTheFourFieldsWithTheirTypes) {
  HealthDocument doc("demo");
  std::array<char, 256> buffer{};
  auto text = doc.write(buffer, 1732530000123, std::chrono::milliseconds(12346));
  auto value = boost::json::parse(text).as_object();
  EXPECT_EQ(value.size(), 4u);
  EXPECT_EQ(value.at("status").as_string(), "ok");
  EXPECT_EQ(value.at("app").as_string(), "demo");
  ASSERT_TRUE(value.at("timestamp").is_int64());
  EXPECT_EQ(value.at("timestamp").as_int64(), 1732530000123);
  ASSERT_TRUE(value.at("uptime").is_double());
  EXPECT_DOUBLE_EQ(value.at("uptime").as_double(), 12.346);
  EXPECT_NE(text.find(R"("uptime":12.346})"), std::string_view::npos) << text;
}

TEST(HealthDocument, EscapesTheAppName) {
  HealthDocument doc("a\"b\\c");
  std::array<char, 256> buffer{};
  auto value = boost::json::parse(doc.write(buffer, 1, std::chrono::milliseconds(0))).as_object();
  EXPECT_EQ(value.at("app").as_string(), "a\"b\\c");
}

TEST(HealthDocument, PadsMillisecondsAndIsAlwaysANumber) {
  HealthDocument doc("demo");
  std::array<char, 256> buffer{};
  EXPECT_NE(doc.write(buffer, 1, std::chrono::milliseconds(7)).find(R"("uptime":0.007})"),
            std::string_view::npos);
  EXPECT_NE(doc.write(buffer, 1, std::chrono::milliseconds(3'600'050)).find(R"("uptime":3600.050})"),
            std::string_view::npos);
  EXPECT_NE(doc.write(buffer, 1, std::chrono::milliseconds(-5)).find(R"("uptime":0.000})"),
            std::string_view::npos);
}

TEST(HealthDocument, ReportsTooSmallABuffer) {
  HealthDocument doc("demo");
  std::array<char, 40> small{};
  EXPECT_TRUE(doc.write(small, 1732530000123, std::chrono::milliseconds(1000)).empty());
}

}  // namespace
}  // namespace backend
