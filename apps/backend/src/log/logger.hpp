#pragma once
// Human-readable logs go to stderr, never stdout. Logging never blocks request handling: a line the sink
// cannot take at once is dropped and counted, and the count is reported as soon as a line can be written
// again.
#include <cstdint>
#include <functional>
#include <string_view>

#include "log/log_level.hpp"

namespace backend {

class LogSink {
 public:
  virtual ~LogSink() = default;
  // Writes the whole line or nothing, without blocking. Returns false when it wrote nothing.
  virtual bool try_write(std::string_view line) = 0;
};

class Logger {
 public:
  Logger(LogLevel level, LogSink& sink) : level_(level), sink_(sink) {}

  bool enabled(LogLevel level) const { return level <= level_; }
  void log(LogLevel level, std::string_view message);

  void error(std::string_view message) { log(LogLevel::error, message); }
  void warn(std::string_view message) { log(LogLevel::warn, message); }
  void info(std::string_view message) { log(LogLevel::info, message); }
  void debug(std::string_view message) { log(LogLevel::debug, message); }

  // Writes the count of dropped lines, if any, once the sink takes it. Called when the sink may take lines
  // again (see on_first_drop), so the report does not wait for the next log line.
  void report_dropped();
  // Called when a line is dropped while none was pending: the owner then waits for the sink to drain and
  // calls report_dropped(), instead of checking on a period.
  void on_first_drop(std::function<void()> callback) { on_first_drop_ = std::move(callback); }

  std::uint64_t dropped_lines() const { return dropped_; }

 private:
  LogLevel level_;
  LogSink& sink_;
  std::uint64_t dropped_ = 0;
  std::function<void()> on_first_drop_;
};

}  // namespace backend
