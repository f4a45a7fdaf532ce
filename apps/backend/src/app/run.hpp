#pragma once
#include <span>
#include <string_view>

namespace backend {

// The whole program: flags, configuration, listen, handshake, serve. Returns the process's exit code.
int run(std::span<const std::string_view> args);

}  // namespace backend
