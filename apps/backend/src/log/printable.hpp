#pragma once
// Text that came from outside (an environment variable, a stdin line), made safe to echo into a log or an
// error: controls and non-ASCII bytes become '?', and a long value is cut, so nothing can forge log lines or
// flood them.
#include <cstddef>
#include <string>
#include <string_view>

namespace backend {

std::string printable(std::string_view text, std::size_t max_shown);

}  // namespace backend
