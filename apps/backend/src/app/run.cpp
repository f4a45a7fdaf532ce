#include "app/run.hpp"

#include "platform/path_text.hpp"

#include <string>
#include <variant>

#include "app/app_info.hpp"
#include "app/exit_codes.hpp"
#include "app/route_table.hpp"
#include "config/config.hpp"
#include "lifecycle/server.hpp"
#include "platform/process_io.hpp"
#include "store/data_dir.hpp"

namespace backend {
namespace {

constexpr std::string_view kUsage = R"(Usage: backend [--help | --version | --openapi]

The desktop app's sidecar HTTP server. It listens on loopback, writes one line
"BACKEND_PORT:<port>" to stdout once it is ready, and logs to stderr.

Environment:
  PORT                         port to listen on; unset, empty or 0: any free port
  BACKEND_HOST                 IP address to bind (default 127.0.0.1)
  BACKEND_LOG_LEVEL            error, warn, info or debug (default info)
  BACKEND_SHUTDOWN_TIMEOUT_MS  drain deadline on shutdown, in ms (default 5000)
  BACKEND_PARENT_WATCH         1 or 0: exit when the parent process dies (default 1)
  BACKEND_EXIT_ON_STDIN_EOF    1 or 0: shut down when stdin closes (default 0)
  BACKEND_ALLOWED_HOSTS        extra Host header values to accept, comma-separated
  BACKEND_ALLOWED_ORIGINS      extra CORS origins to allow, comma-separated
  BACKEND_TOKEN                if set, every request needs "Authorization: Bearer <token>"
  BACKEND_MAX_CONNECTIONS      cap on open connections (default: derived from the
                               descriptor limit, at most 4096; 512 on Windows)
  BACKEND_DATA_DIR             folder of the settings store (default: the app's data folder,
                               as Tauri's app_data_dir() names it)
  BACKEND_STORE_MAX_MB         cap on the settings store's size in MiB (default: no cap)

Flags:
  --help     this text, on stderr
  --version  "<name> <version>" on stdout
  --openapi  the OpenAPI 3.1 document of the HTTP API, generated from the route table, on stdout

Stdin: the line "shutdown" starts a graceful shutdown, as SIGINT and SIGTERM do.
Exit codes: 0 clean shutdown, 1 runtime error, 2 invalid configuration (or an
            unusable BACKEND_DATA_DIR), 3 cannot listen, 4 forced by a second signal
            during shutdown, 5 the settings store was written by a newer version,
            6 the settings store is in use by another backend, 7 the settings store
            cannot be opened.
)";

std::string program_label() {
  return std::string(app_info::kName) + " " + std::string(app_info::kVersion);
}

}  // namespace

int run(std::span<const std::string_view> args) {
  for (auto arg : args) {
    if (arg == "--help" || arg == "-h") {
      platform::write_stderr(kUsage);
      return exit_code::kClean;
    }
    if (arg == "--version") {
      // The one thing besides the port line that goes to stdout: it is asked for, and the server does not
      // start.
      platform::write_stdout(program_label() + "\n");
      return exit_code::kClean;
    }
    if (arg == "--openapi") {
      // Asked for, like --version: the document is the output, and the server does not start.
      platform::write_stdout(app::openapi_document());
      return exit_code::kClean;
    }
    platform::write_stderr("backend: unknown argument \"" + std::string(arg) + "\"; see --help\n");
    return exit_code::kInvalidConfig;
  }

  auto loaded = load_config(process_env());
  if (auto* error = std::get_if<ConfigError>(&loaded)) {
    platform::write_stderr("backend: invalid configuration: " + error->message + "\n");
    return exit_code::kInvalidConfig;
  }
  auto& config = std::get<Config>(loaded);
  if (auto problem = store::prepare_data_dir(config.data_dir)) {
    platform::write_stderr("backend: invalid configuration: BACKEND_DATA_DIR=\"" +
                           platform::path_to_utf8(config.data_dir) + "\" cannot be used: " + *problem + "\n");
    return exit_code::kInvalidConfig;
  }

  platform::prepare_process();
  auto sink = platform::make_stderr_sink();
  Logger log(config.log_level, *sink);
  if (!config.host_is_loopback) {
    log.warn("BACKEND_HOST=" + config.host +
             " is not a loopback address: other machines on the network can reach this backend");
  }

  // Signal handling is installed here, before the port line: a SIGTERM right after the line must still be
  // clean.
  Server server(config, log);
  if (auto error = server.open_store()) {
    log.error("settings store: " + error->message);
    switch (error->kind) {
      case store::OpenErrorKind::newer_schema:
        return exit_code::kStoreNewer;
      case store::OpenErrorKind::locked:
        return exit_code::kStoreInUse;
      case store::OpenErrorKind::failed:
        return exit_code::kStoreFailed;
    }
  }
  if (auto error = server.listen()) {
    log.error(*error);
    return exit_code::kCannotListen;
  }
  server.start();

  // The handshake: one line, one write, unbuffered, LF-terminated, and nothing else ever on stdout.
  if (!platform::write_stdout("BACKEND_PORT:" + std::to_string(server.port()) + "\n")) {
    log.warn("stdout is closed: the host cannot learn the port");
  }
  log.info(program_label() + " listening on " + server.url() + " (pid " +
           std::to_string(platform::process_id()) + ")");
  return server.run();
}

}  // namespace backend
