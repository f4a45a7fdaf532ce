#pragma once
// The process's exit codes, part of the host contract (README, "Exit codes").

namespace backend::exit_code {

inline constexpr int kClean = 0;          // graceful shutdown, whatever asked for it
inline constexpr int kRuntimeError = 1;   // an unexpected error while serving
inline constexpr int kInvalidConfig = 2;  // a bad environment variable or flag
inline constexpr int kCannotListen = 3;   // the address or port could not be bound
inline constexpr int kForced = 4;         // a second signal arrived during the drain

}  // namespace backend::exit_code
