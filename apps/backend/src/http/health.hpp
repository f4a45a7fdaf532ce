#pragma once
// The /health document: {"status":"ok","app":<name>,"timestamp":<ms since epoch>,"uptime":<seconds>}.
// Written with to_chars into a caller's buffer: it is the hot path, and needs no general JSON tree.
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace backend {

class HealthDocument {
 public:
  explicit HealthDocument(std::string_view app_name);

  // Returns the written document, or an empty view if `out` is too small.
  std::string_view write(std::span<char> out, std::int64_t timestamp_ms,
                         std::chrono::milliseconds uptime) const;

 private:
  std::string prefix_;  // {"status":"ok","app":<escaped name>,"timestamp":
};

}  // namespace backend
