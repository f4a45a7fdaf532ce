#pragma once
// Splits the stdin control channel into lines. A line ends in LF (a CR before it is dropped, for hosts that
// write CRLF); a line longer than the limit is discarded whole and reported once.
#include <string>
#include <string_view>

#include "http/limits.hpp"

namespace backend {

enum class ControlCommand { none, shutdown, unknown };

// "shutdown" (surrounding blanks ignored) is the one command; an empty line is no command at all.
ControlCommand parse_control_line(std::string_view line);

class ControlLineSplitter {
 public:
  // Calls on_line(std::string_view line, bool too_long) for each complete line in `bytes`.
  template <typename OnLine>
  void feed(std::string_view bytes, OnLine on_line) {
    for (char c : bytes) {
      if (c == '\n') {
        std::string_view line = pending_;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        on_line(line, too_long_);
        pending_.clear();
        too_long_ = false;
      } else if (too_long_) {
        continue;
      } else if (pending_.size() >= limits::kMaxControlLineBytes) {
        too_long_ = true;
        pending_.clear();
      } else {
        pending_ += c;
      }
    }
  }

 private:
  std::string pending_;
  bool too_long_ = false;
};

}  // namespace backend
