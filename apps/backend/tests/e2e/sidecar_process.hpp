#pragma once
// Runs the real backend binary exactly as a desktop host does: a child process with piped stdin, stdout and
// stderr, the port learned from the first stdout line. BACKEND_BIN and BACKEND_EMULATOR select another binary
// and the command that runs it (qemu, wine) for the cross-built targets.
#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace backend::e2e {

using namespace std::chrono_literals;

struct Launch {
  std::vector<std::pair<std::string, std::string>> env;  // set on top of this process's environment
  std::vector<std::string> unset;                        // removed from it
  std::vector<std::string> args;
  bool read_stderr = true;  // false: a host that never reads stderr, until start_reading_stderr()
};

class Sidecar {
 public:
  explicit Sidecar(const Launch& launch = {});
  ~Sidecar();
  Sidecar(const Sidecar&) = delete;
  Sidecar& operator=(const Sidecar&) = delete;

  // The first stdout line, terminator included, once it arrives.
  std::optional<std::string> first_line(std::chrono::milliseconds timeout = startup_timeout());
  // The port from the handshake; fails the test and returns 0 when there is none.
  std::uint16_t port();

  void start_reading_stderr();
  void send_signal(int signal);
  void write_stdin(std::string_view bytes);
  void close_stdin();

  // The exit code (128 + N for a death by signal N), or nullopt if still running after the timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  bool wait_stderr_contains(std::string_view text, std::chrono::milliseconds timeout);

  std::string stdout_bytes();
  std::string stderr_bytes();
  pid_t pid() const { return pid_; }
  // BACKEND_DATA_DIR as launched: the test's own, or a fresh temporary folder removed with the Sidecar (tests
  // never touch the real app data folder).
  const std::string& data_dir() const { return data_dir_; }

  static std::string binary();
  static std::vector<std::string> emulator();
  // Emulators start slowly; BACKEND_E2E_STARTUP_TIMEOUT_MS stretches every wait for the first line.
  static std::chrono::milliseconds startup_timeout();

 private:
  struct Pipe {
    std::string bytes;
    bool closed = false;
  };
  void pump(int fd, Pipe& pipe);

  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  std::optional<int> exit_code_;
  std::mutex mutex_;
  std::condition_variable changed_;
  Pipe stdout_;
  Pipe stderr_;
  std::thread stdout_reader_;
  std::thread stderr_reader_;
  int stderr_fd_ = -1;
  std::string data_dir_;
  bool own_data_dir_ = false;
};

// A fresh empty folder under the temporary directory, e.g. for BACKEND_DATA_DIR; the caller removes it.
std::string make_temp_dir(std::string_view label);

// A fixture with one backend running and its port known.
class RunningSidecar : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = sidecar_.port();
    ASSERT_NE(port_, 0);
  }
  Sidecar sidecar_;
  std::uint16_t port_ = 0;
};

}  // namespace backend::e2e
