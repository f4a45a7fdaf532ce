#pragma once
// The process's standard streams and process-wide setup, which differ by platform.
#include <memory>
#include <string_view>

#include "log/logger.hpp"

namespace backend::platform {

// Once at start: POSIX ignores SIGPIPE (a closed stdout or socket must be an error code, not a death);
// Windows puts stdout in binary mode so the port line ends in LF, never CRLF.
void prepare_process();

// Writes all of `bytes` to stdout in one write where the OS allows, unbuffered. False if stdout is closed.
bool write_stdout(std::string_view bytes);

// stderr that never blocks the caller: see LogSink.
std::unique_ptr<LogSink> make_stderr_sink();

// Writes to stderr, blocking: only before the server runs (usage, configuration errors).
void write_stderr(std::string_view bytes);

long process_id();

}  // namespace backend::platform
