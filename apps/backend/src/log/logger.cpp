#include "log/logger.hpp"

#include <array>
#include <charconv>
#include <cstring>

namespace backend {
namespace {

// Longer lines are cut: a line must stay below PIPE_BUF so that one write is atomic and never blocks.
constexpr std::size_t kMaxLineBytes = 1024;

struct LineBuffer {
  std::array<char, kMaxLineBytes> bytes{};
  std::size_t size = 0;

  void append(std::string_view text) {
    std::size_t room = bytes.size() - 1 - size;  // keep one byte for the newline
    std::size_t n = text.size() < room ? text.size() : room;
    std::memcpy(bytes.data() + size, text.data(), n);
    size += n;
  }
  std::string_view finish() {
    bytes[size++] = '\n';
    return {bytes.data(), size};
  }
};

}  // namespace

void Logger::report_dropped() {
  if (dropped_ > 0) {
    LineBuffer note;
    std::array<char, 24> digits{};
    auto end = std::to_chars(digits.data(), digits.data() + digits.size(), dropped_).ptr;
    note.append("warn: ");
    note.append({digits.data(), static_cast<std::size_t>(end - digits.data())});
    note.append(" log lines were dropped because stderr was not being read");
    if (sink_.try_write(note.finish())) dropped_ = 0;
  }
}

void Logger::log(LogLevel level, std::string_view message) {
  if (!enabled(level)) return;
  report_dropped();
  if (dropped_ > 0) {
    ++dropped_;
    return;
  }
  LineBuffer line;
  line.append(to_string(level));
  line.append(": ");
  line.append(message);
  if (!sink_.try_write(line.finish()) && ++dropped_ == 1 && on_first_drop_) on_first_drop_();
}

}  // namespace backend
