#pragma once
// The Date header (RFC 9110 §6.6.1), formatted once per second rather than once per response.
#include <array>
#include <chrono>
#include <string_view>

namespace backend {

class DateCache {
 public:
  std::string_view get(std::chrono::system_clock::time_point now);

 private:
  std::chrono::sys_seconds cached_second_{};
  std::array<char, 29> text_{};  // "Sun, 06 Nov 1994 08:49:37 GMT"
};

// Exposed for tests.
std::array<char, 29> format_imf_fixdate(std::chrono::sys_seconds time);

}  // namespace backend
