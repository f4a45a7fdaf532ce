#pragma once
// Configuration comes from the environment only: PORT (the original design's) and BACKEND_* for the rest.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>
#include "platform/path_text.hpp"

#include "log/log_level.hpp"

namespace backend {

struct Config {
  std::uint16_t port = 0;  // 0: the OS picks a free port
  std::string host = "127.0.0.1";
  bool host_is_loopback = true;
  LogLevel log_level = LogLevel::info;
  std::chrono::milliseconds shutdown_timeout{5000};
  bool parent_watch = true;
  bool exit_on_stdin_eof = false;
  std::vector<std::string> allowed_hosts;    // extra Host names, beside the loopback ones
  std::vector<std::string> allowed_origins;  // extra CORS origins, beside the Tauri webview ones
  std::string token;                         // empty: no Authorization required
  std::size_t max_connections = 0;           // 0: derived from the descriptor limit (net/admission.hpp)
  platform::NativePath data_dir;             // absolute; BACKEND_DATA_DIR or Tauri's app_data_dir
  std::uint64_t store_max_bytes = 0;         // 0: no cap on settings.db
};

struct ConfigError {
  std::string message;  // names the variable, the bad value and what is accepted
};

// Returns the value of an environment variable, or nullopt when it is unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

std::variant<Config, ConfigError> load_config(const EnvLookup& env);

// Reads the process environment.
EnvLookup process_env();

// The folder Tauri's app_data_dir() gives for `identifier` on this OS (Linux: $XDG_DATA_HOME/<id>, else
// ~/.local/share/<id>; macOS: ~/Library/Application Support/<id>; Windows: %APPDATA%\<id>).
std::variant<platform::NativePath, ConfigError> default_data_dir(const EnvLookup& env,
                                                                 std::string_view identifier);

// Exposed for tests: each parses one variable's value.
std::variant<std::uint16_t, ConfigError> parse_port(std::string_view value);

}  // namespace backend
