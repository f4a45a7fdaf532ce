#include "api/route_table.hpp"

#include <gtest/gtest.h>

#include <boost/url/parse.hpp>

#include "app/route_table.hpp"

namespace backend::api {
namespace {

namespace http = boost::beast::http;

Endpoint get(std::string_view path, std::string_view operation_id) {
  return endpoint({.method = http::verb::get,
                   .path = path,
                   .operation_id = operation_id,
                   .summary = "test",
                   .tag = "meta",
                   .responses = {empty(204, "Nothing.")}},
                  [](Call& call) { call.empty(204); });
}

const PathItem* parsed_match(const RouteTable& table, std::string_view target) {
  auto url = boost::urls::parse_origin_form(target);
  if (!url) return nullptr;
  NamedValues params;
  return table.match(url->encoded_segments(), params);
}

// The shortcut answers what parsing would, for every fixed path of the real table.
TEST(RouteTable, AFixedPathsExactTextFindsWhatParsingItFinds) {
  const auto& table = app::route_table();
  int fixed = 0;
  for (const auto& item : table.paths()) {
    bool has_parameter = std::any_of(item.segments.begin(), item.segments.end(),
                                     [](const auto& segment) { return segment.parameter; });
    if (has_parameter) {
      EXPECT_EQ(table.match_exact(item.path), nullptr) << item.path;
      continue;
    }
    ++fixed;
    EXPECT_EQ(table.match_exact(item.path), &item) << item.path;
    EXPECT_EQ(parsed_match(table, item.path), &item) << item.path;
  }
  EXPECT_GE(fixed, 2);  // /health and /openapi.json at least
}

// Anything but the exact text goes the long way: a query, an escape, a trailing slash, another case.
TEST(RouteTable, OnlyTheExactTextTakesTheShortcut) {
  const auto& table = app::route_table();
  ASSERT_NE(table.match_exact("/health"), nullptr);
  for (std::string_view target : {"/health?probe=1", "/%68ealth", "/health/", "/Health", "health",
                                  "http://127.0.0.1/health", "/health#x", ""}) {
    EXPECT_EQ(table.match_exact(target), nullptr) << target;
  }
  EXPECT_EQ(parsed_match(table, "/%68ealth"), table.match_exact("/health"));
}

// A template whose text is not a valid origin-form target as written is never matched by its text.
TEST(RouteTable, AFixedPathThatIsNotAValidTargetAsWrittenIsNotAShortcut) {
  std::vector<Endpoint> endpoints;
  endpoints.push_back(get("/plain", "plain"));
  endpoints.push_back(get("/with space", "withSpace"));
  endpoints.push_back(get("/items/{id}", "item"));
  RouteTable table(std::move(endpoints), {});
  EXPECT_NE(table.match_exact("/plain"), nullptr);
  EXPECT_EQ(table.match_exact("/with space"), nullptr);
  EXPECT_EQ(table.match_exact("/items/{id}"), nullptr);
}

}  // namespace
}  // namespace backend::api
