#include "http/health.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string_view.hpp>
#include <charconv>
#include <cstring>

namespace backend {

HealthDocument::HealthDocument(std::string_view app_name)
    : prefix_(R"({"status":"ok","app":)" + boost::json::serialize(boost::json::string_view(app_name)) +
              R"(,"timestamp":)") {}

std::string_view HealthDocument::write(std::span<char> out, std::int64_t timestamp_ms,
                                       std::chrono::milliseconds uptime) const {
  char* at = out.data();
  char* end = out.data() + out.size();
  if (static_cast<std::size_t>(end - at) < prefix_.size()) return {};
  std::memcpy(at, prefix_.data(), prefix_.size());
  at += prefix_.size();
  auto number = std::to_chars(at, end, timestamp_ms);
  if (number.ec != std::errc{}) return {};
  at = number.ptr;
  constexpr std::string_view kUptime = R"(,"uptime":)";
  if (static_cast<std::size_t>(end - at) < kUptime.size()) return {};
  std::memcpy(at, kUptime.data(), kUptime.size());
  at += kUptime.size();
  // Seconds with millisecond precision, formatted from integers: floating-point formatting was an eighth of
  // the request path's instructions. A monotonic clock never runs back, but a negative value must not print
  // as one.
  auto ms = uptime.count() < 0 ? 0 : uptime.count();
  number = std::to_chars(at, end, ms / 1000);
  if (number.ec != std::errc{} || end - number.ptr < 5) return {};
  at = number.ptr;
  auto fraction = static_cast<int>(ms % 1000);
  *at++ = '.';
  *at++ = static_cast<char>('0' + fraction / 100);
  *at++ = static_cast<char>('0' + fraction / 10 % 10);
  *at++ = static_cast<char>('0' + fraction % 10);
  *at++ = '}';
  return {out.data(), static_cast<std::size_t>(at - out.data())};
}

}  // namespace backend
