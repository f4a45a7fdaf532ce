#pragma once
#include <string_view>

namespace backend::settings {

// 1 to kMaxKeyBytes bytes of well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, nothing past
// U+10FFFF).
bool valid_key(std::string_view key);

}  // namespace backend::settings
