#pragma once
// The process's exit codes, part of the host contract (README, "Exit codes").

namespace backend::exit_code {

inline constexpr int kClean = 0;          // graceful shutdown, whatever asked for it
inline constexpr int kRuntimeError = 1;   // an unexpected error while serving
inline constexpr int kInvalidConfig = 2;  // a bad environment variable or flag
inline constexpr int kCannotListen = 3;   // the address or port could not be bound
inline constexpr int kForced = 4;         // a second signal arrived during the drain
inline constexpr int kStoreNewer = 5;     // settings.db was written by a newer backend: left untouched
inline constexpr int kStoreInUse = 6;     // another backend holds the settings store in this data folder
inline constexpr int kStoreFailed = 7;    // the settings store cannot be opened (I/O error, permissions)

}  // namespace backend::exit_code
