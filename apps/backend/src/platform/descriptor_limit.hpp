#pragma once
// How many descriptors the process may hold, which bounds how many connections it can keep open.
#include <cstddef>
#include <optional>

namespace backend::platform {

// POSIX: raises the soft RLIMIT_NOFILE to the hard limit (the default soft limit, often 1024, is a relic of
// select()), and returns the limit now in force. Windows: nullopt, as sockets are not bounded that way.
std::optional<std::size_t> raise_descriptor_limit();

}  // namespace backend::platform
