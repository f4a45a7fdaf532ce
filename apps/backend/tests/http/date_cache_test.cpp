#include "http/date_cache.hpp"

#include <gtest/gtest.h>

namespace backend {
namespace {

std::string text(const std::array<char, 29>& a) {
  return {a.data(), a.size()};
}

TEST(ImfFixdate, MatchesTheRfc9110Example) {
  // RFC 9110 §5.6.7: "Sun, 06 Nov 1994 08:49:37 GMT" is 784111777 seconds after the epoch.
  EXPECT_EQ(text(format_imf_fixdate(std::chrono::sys_seconds(std::chrono::seconds(784111777)))),
            "Sun, 06 Nov 1994 08:49:37 GMT");
}

TEST(ImfFixdate, HandlesLeapDaysAndTheEpoch) {
  EXPECT_EQ(text(format_imf_fixdate(std::chrono::sys_seconds(std::chrono::seconds(0)))),
            "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(text(format_imf_fixdate(std::chrono::sys_seconds(std::chrono::seconds(1709164799)))),
            "Wed, 28 Feb 2024 23:59:59 GMT");
  EXPECT_EQ(text(format_imf_fixdate(std::chrono::sys_seconds(std::chrono::seconds(1709164800)))),
            "Thu, 29 Feb 2024 00:00:00 GMT");
}

TEST(DateCache, ChangesWithTheSecondOnly) {
  DateCache cache;
  auto base = std::chrono::system_clock::time_point(std::chrono::seconds(784111777));
  std::string first(cache.get(base));
  EXPECT_EQ(std::string(cache.get(base + std::chrono::milliseconds(999))), first);
  EXPECT_EQ(std::string(cache.get(base + std::chrono::seconds(1))), "Sun, 06 Nov 1994 08:49:38 GMT");
}

}  // namespace
}  // namespace backend
