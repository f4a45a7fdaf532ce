#include "http/header_guard.hpp"

#include <array>

namespace backend {
namespace {

// The bytes that need a closer look: every control but HTAB, and DEL. All others pass with one table lookup.
constexpr std::array<bool, 256> kNeedsCheck = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 0x20; ++c)
    table[static_cast<std::size_t>(c)] = c != '\t';
  table[0x7f] = true;
  return table;
}();

}  // namespace

std::optional<HttpError> check_header_block(std::string_view block) {
  for (std::size_t i = 0; i < block.size(); ++i) {
    auto c = static_cast<unsigned char>(block[i]);
    if (!kNeedsCheck[c]) continue;
    if (c == '\r') {
      // RFC 9112 §2.2: a bare CR must be rejected or replaced; we reject.
      if (i + 1 >= block.size() || block[i + 1] != '\n') return HttpError::bad_request;
      ++i;
      // RFC 9112 §5.2: a field line starting with SP or HTAB is obs-fold; a server must reject it or unfold
      // it.
      if (i + 1 < block.size() && (block[i + 1] == ' ' || block[i + 1] == '\t'))
        return HttpError::bad_request;
      continue;
    }
    // RFC 9112 §2.2 lets a recipient accept a bare LF; an intermediary might not, so we refuse the ambiguity.
    if (c == '\n') return HttpError::bad_request;
    // RFC 9110 §5.5: NUL and the other controls are never valid in a field; HTAB is the one allowed.
    return HttpError::bad_request;
  }
  return std::nullopt;
}

}  // namespace backend
