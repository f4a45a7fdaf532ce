#include "config/config.hpp"

#include "app/app_info.hpp"
#include "log/printable.hpp"
#include "platform/path_text.hpp"

#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <cstdlib>

namespace backend {
namespace {

constexpr std::uint64_t kMaxShutdownTimeoutMs = 600'000;
constexpr std::uint64_t kMaxConnectionsSetting = 1'000'000;
constexpr std::uint64_t kMaxStoreMaxMb = 1'000'000;

// Shows a value the way a user would type it back.
std::string as_typed(std::string_view value) {
  constexpr std::size_t kMaxShown = 64;
  return "\"" + printable(value, kMaxShown) + "\"";
}

// Digits only: no sign, no spaces, no exponent, no hex. from_chars alone would accept a prefix of "12x".
std::optional<std::uint64_t> parse_decimal(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  return value;
}

std::optional<bool> parse_flag(std::string_view text) {
  if (text == "1" || text == "true" || text == "yes" || text == "on") return true;
  if (text == "0" || text == "false" || text == "no" || text == "off") return false;
  return std::nullopt;
}

// Comma-separated, blanks around items trimmed, empty items skipped.
std::vector<std::string> parse_list(std::string_view text) {
  std::vector<std::string> items;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto item = text.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
      item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
      item.remove_suffix(1);
    if (!item.empty()) items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

// A list item may not hold characters that could never match a header value, nor whitespace inside it.
bool is_plain_list_item(std::string_view item) {
  for (char c : item) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return false;
  }
  return true;
}

// Unset and empty both mean "use the default".
std::optional<std::string> non_empty(const EnvLookup& env, std::string_view name) {
  auto value = env(name);
  if (!value || value->empty()) return std::nullopt;
  return value;
}

}  // namespace

std::variant<std::uint16_t, ConfigError> parse_port(std::string_view value) {
  if (value.empty()) return std::uint16_t{0};
  auto number = parse_decimal(value);
  if (!number || *number > 65535) {
    return ConfigError{"PORT=" + as_typed(value) +
                       " is not a valid port: expected a decimal number from 1 to 65535, or 0 or empty for a "
                       "port chosen by the OS"};
  }
  return static_cast<std::uint16_t>(*number);
}

std::variant<Config, ConfigError> load_config(const EnvLookup& env) {
  Config config;

  if (auto port = env("PORT")) {
    auto parsed = parse_port(*port);
    if (auto* error = std::get_if<ConfigError>(&parsed)) return *error;
    config.port = std::get<std::uint16_t>(parsed);
  }

  if (auto host = non_empty(env, "BACKEND_HOST")) {
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(*host, ec);
    if (ec) {
      return ConfigError{"BACKEND_HOST=" + as_typed(*host) +
                         " is not an IP address: expected an IPv4 or IPv6 literal such as 127.0.0.1 or ::1"};
    }
    config.host = address.to_string();
    config.host_is_loopback = address.is_loopback();
  }

  if (auto level = non_empty(env, "BACKEND_LOG_LEVEL")) {
    auto parsed = parse_log_level(*level);
    if (!parsed) {
      return ConfigError{"BACKEND_LOG_LEVEL=" + as_typed(*level) +
                         " is not a log level: expected error, warn, info or debug"};
    }
    config.log_level = *parsed;
  }

  if (auto timeout = non_empty(env, "BACKEND_SHUTDOWN_TIMEOUT_MS")) {
    auto parsed = parse_decimal(*timeout);
    if (!parsed || *parsed > kMaxShutdownTimeoutMs) {
      return ConfigError{"BACKEND_SHUTDOWN_TIMEOUT_MS=" + as_typed(*timeout) +
                         " is not a valid drain deadline: expected milliseconds from 0 to " +
                         std::to_string(kMaxShutdownTimeoutMs)};
    }
    config.shutdown_timeout = std::chrono::milliseconds(*parsed);
  }

  if (auto cap = non_empty(env, "BACKEND_MAX_CONNECTIONS")) {
    auto parsed = parse_decimal(*cap);
    if (!parsed || *parsed == 0 || *parsed > kMaxConnectionsSetting) {
      return ConfigError{"BACKEND_MAX_CONNECTIONS=" + as_typed(*cap) +
                         " is not a valid connection cap: expected a number from 1 to " +
                         std::to_string(kMaxConnectionsSetting) +
                         ", or empty for the cap derived from the "
                         "descriptor limit"};
    }
    config.max_connections = static_cast<std::size_t>(*parsed);
  }

  struct FlagVar {
    const char* name;
    bool* target;
  };
  for (auto [name, target] : {FlagVar{"BACKEND_PARENT_WATCH", &config.parent_watch},
                              FlagVar{"BACKEND_EXIT_ON_STDIN_EOF", &config.exit_on_stdin_eof}}) {
    if (auto value = non_empty(env, name)) {
      auto parsed = parse_flag(*value);
      if (!parsed) {
        return ConfigError{std::string(name) + "=" + as_typed(*value) + " is not a switch: expected 1 or 0"};
      }
      *target = *parsed;
    }
  }

  struct ListVar {
    const char* name;
    std::vector<std::string>* target;
    const char* example;
  };
  for (auto [name, target, example] :
       {ListVar{"BACKEND_ALLOWED_HOSTS", &config.allowed_hosts, "myhost.local:8080"},
        ListVar{"BACKEND_ALLOWED_ORIGINS", &config.allowed_origins, "http://localhost:1420"}}) {
    if (auto value = non_empty(env, name)) {
      *target = parse_list(*value);
      for (const auto& item : *target) {
        if (!is_plain_list_item(item) || item == "*") {
          return ConfigError{std::string(name) + " holds " + as_typed(item) +
                             ": expected a comma-separated list of exact values such as " + example +
                             " (no wildcards, no spaces inside an item)"};
        }
      }
    }
  }

  if (auto token = non_empty(env, "BACKEND_TOKEN")) {
    // Never echo the token: a config error must not leak it into logs.
    if (!is_plain_list_item(*token)) {
      return ConfigError{
          "BACKEND_TOKEN holds a space, a control or a non-ASCII character: expected printable ASCII"};
    }
    config.token = *token;
  }

  if (auto dir = non_empty(env, "BACKEND_DATA_DIR")) {
    std::error_code ec;
    auto absolute = platform::absolute_of(platform::path_from_utf8(*dir), ec);
    if (ec)
      return ConfigError{"BACKEND_DATA_DIR=" + as_typed(*dir) + " is not a usable path: " + ec.message()};
    config.data_dir = absolute;
  } else {
    auto found = default_data_dir(env, app_info::kIdentifier);
    if (auto* error = std::get_if<ConfigError>(&found)) return *error;
    config.data_dir = std::get<platform::NativePath>(found);
  }

  if (auto cap = non_empty(env, "BACKEND_STORE_MAX_MB")) {
    auto parsed = parse_decimal(*cap);
    if (!parsed || *parsed == 0 || *parsed > kMaxStoreMaxMb) {
      return ConfigError{"BACKEND_STORE_MAX_MB=" + as_typed(*cap) +
                         " is not a valid size cap: expected MiB from 1 to " +
                         std::to_string(kMaxStoreMaxMb) + ", or empty for no cap"};
    }
    config.store_max_bytes = *parsed << 20;
  }

  return config;
}

std::variant<platform::NativePath, ConfigError> default_data_dir(const EnvLookup& env,
                                                                 std::string_view identifier) {
  auto absolute_var = [&](const char* name) -> std::optional<platform::NativePath> {
    auto value = non_empty(env, name);
    if (!value) return std::nullopt;
    auto path = platform::path_from_utf8(*value);
    // As the XDG spec says of relative values: ignore them.
    if (!platform::is_absolute(path)) return std::nullopt;
    return path;
  };
  auto missing = [](const char* what) {
    return ConfigError{std::string("cannot find the app data folder: ") + what +
                       " is not set; set BACKEND_DATA_DIR to the folder for the settings store"};
  };
#if defined(_WIN32)
  auto base = absolute_var("APPDATA");
  if (!base) return missing("APPDATA");
  return platform::join(*base, identifier);
#elif defined(__APPLE__)
  auto home = absolute_var("HOME");
  if (!home) return missing("HOME");
  return *home / "Library" / "Application Support" / std::string(identifier);
#else
  if (auto xdg = absolute_var("XDG_DATA_HOME")) return *xdg / std::string(identifier);
  auto home = absolute_var("HOME");
  if (!home) return missing("HOME");
  return *home / ".local" / "share" / std::string(identifier);
#endif
}

EnvLookup process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

}  // namespace backend
