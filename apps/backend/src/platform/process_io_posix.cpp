#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "platform/process_io.hpp"

namespace backend::platform {
namespace {

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// poll() with no timeout says whether a write of up to PIPE_BUF bytes would block; log lines are shorter.
class PollingStderrSink final : public LogSink {
 public:
  bool try_write(std::string_view line) override {
    pollfd fd{STDERR_FILENO, POLLOUT, 0};
    int ready;
    do {
      ready = ::poll(&fd, 1, 0);
    } while (ready < 0 && errno == EINTR);
    if (ready <= 0 || (fd.revents & POLLOUT) == 0) return false;
    return write_all(STDERR_FILENO, line);
  }
};

}  // namespace

void prepare_process() {
  ::signal(SIGPIPE, SIG_IGN);
}

bool write_stdout(std::string_view bytes) {
  return write_all(STDOUT_FILENO, bytes);
}

std::unique_ptr<LogSink> make_stderr_sink() {
  return std::make_unique<PollingStderrSink>();
}

void write_stderr(std::string_view bytes) {
  write_all(STDERR_FILENO, bytes);
}

long process_id() {
  return static_cast<long>(::getpid());
}

}  // namespace backend::platform
