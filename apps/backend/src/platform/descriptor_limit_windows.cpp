#include "platform/descriptor_limit.hpp"

namespace backend::platform {

// Windows sockets are kernel handles, not bounded by a per-process descriptor table: the cap stays fixed.
std::optional<std::size_t> raise_descriptor_limit() {
  return std::nullopt;
}

}  // namespace backend::platform
