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
                                       double uptime_seconds) const {
  char* at = out.data();
  char* end = out.data() + out.size();
  if (static_cast<std::size_t>(end - at) < prefix_.size()) return {};
  std::memcpy(at, prefix_.data(), prefix_.size());
  at += prefix_.size();
  auto number = std::to_chars(at, end, timestamp_ms);
  if (number.ec != std::errc{}) return {};
  at = number.ptr;
  constexpr std::string_view kUptime = R"(,"uptime":)";
  if (static_cast<std::size_t>(end - at) < kUptime.size() + 2) return {};
  std::memcpy(at, kUptime.data(), kUptime.size());
  at += kUptime.size();
  // Millisecond precision, as a JSON number (never NaN or infinite: it comes from a monotonic clock).
  number = std::to_chars(at, end - 1, uptime_seconds, std::chars_format::fixed, 3);
  if (number.ec != std::errc{}) return {};
  at = number.ptr;
  *at++ = '}';
  return {out.data(), static_cast<std::size_t>(at - out.data())};
}

}  // namespace backend
