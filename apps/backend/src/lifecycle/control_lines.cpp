#include "lifecycle/control_lines.hpp"

namespace backend {

ControlCommand parse_control_line(std::string_view line) {
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
    line.remove_prefix(1);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r'))
    line.remove_suffix(1);
  if (line.empty()) return ControlCommand::none;
  if (line == "shutdown") return ControlCommand::shutdown;
  return ControlCommand::unknown;
}

}  // namespace backend
