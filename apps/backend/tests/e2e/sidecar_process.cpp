#include "sidecar_process.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>

extern char** environ;

namespace backend::e2e {

std::string Sidecar::binary() {
  const char* bin = std::getenv("BACKEND_BIN");
  return (bin && *bin) ? bin : BACKEND_DEFAULT_BIN;
}

std::vector<std::string> Sidecar::emulator() {
  std::vector<std::string> words;
  if (const char* value = std::getenv("BACKEND_EMULATOR")) {
    std::istringstream in(value);
    for (std::string word; in >> word;)
      words.push_back(word);
  }
  return words;
}

std::chrono::milliseconds Sidecar::startup_timeout() {
  if (const char* value = std::getenv("BACKEND_E2E_STARTUP_TIMEOUT_MS")) {
    return std::chrono::milliseconds(std::strtol(value, nullptr, 10));
  }
  return 5s;
}

std::string make_temp_dir(std::string_view label) {
  auto pattern =
      (std::filesystem::temp_directory_path() / ("aios-" + std::string(label) + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp: " << std::strerror(errno);
    return {};
  }
  return pattern;
}

Sidecar::Sidecar(const Launch& launch) {
  // A write to the stdin of a backend that has exited must fail, not kill the test.
  ::signal(SIGPIPE, SIG_IGN);
  std::map<std::string, std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    auto eq = text.find('=');
    if (eq != std::string_view::npos) env[std::string(text.substr(0, eq))] = std::string(text.substr(eq + 1));
  }
  // Tests state what they need; the developer's shell must not leak configuration into them.
  for (auto it = env.begin(); it != env.end();) {
    it = (it->first == "PORT" || (it->first.starts_with("BACKEND_") && it->first != "BACKEND_BIN" &&
                                  it->first != "BACKEND_EMULATOR"))
             ? env.erase(it)
             : std::next(it);
  }
  for (const auto& name : launch.unset)
    env.erase(name);
  for (const auto& [name, value] : launch.env)
    env[name] = value;
  if (auto it = env.find("BACKEND_DATA_DIR"); it != env.end()) {
    data_dir_ = it->second;
  } else {
    data_dir_ = make_temp_dir("e2e-data");
    own_data_dir_ = true;
    env["BACKEND_DATA_DIR"] = data_dir_;
  }

  std::vector<std::string> argv_strings = emulator();
  argv_strings.push_back(binary());
  argv_strings.insert(argv_strings.end(), launch.args.begin(), launch.args.end());
  std::vector<char*> argv;
  for (auto& s : argv_strings)
    argv.push_back(s.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (const auto& [name, value] : env)
    env_strings.push_back(name + "=" + value);
  std::vector<char*> envp;
  for (auto& s : env_strings)
    envp.push_back(s.data());
  envp.push_back(nullptr);

  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe: " << std::strerror(errno);
    return;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  int rc = ::posix_spawnp(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  if (rc != 0) {
    ADD_FAILURE() << "cannot spawn " << argv_strings.front() << ": " << std::strerror(rc);
    pid_ = -1;
  }
  stdin_fd_ = in[1];
  stdout_reader_ = std::thread([this, fd = out[0]] { pump(fd, stdout_); });
  stderr_fd_ = err[0];
  if (launch.read_stderr) start_reading_stderr();
}

Sidecar::~Sidecar() {
  if (pid_ > 0 && !exit_code_) {
    ::kill(pid_, SIGKILL);
    wait_exit(10s);
  }
  close_stdin();
  start_reading_stderr();
  if (stdout_reader_.joinable()) stdout_reader_.join();
  if (stderr_reader_.joinable()) stderr_reader_.join();
  if (::testing::Test::HasFailure()) {
    std::cerr << "---- backend stderr ----\n" << stderr_.bytes << "------------------------\n";
  }
  if (own_data_dir_ && !data_dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(data_dir_, ignored);
  }
}

void Sidecar::pump(int fd, Pipe& pipe) {
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    std::lock_guard lock(mutex_);
    if (n <= 0) {
      pipe.closed = true;
      changed_.notify_all();
      break;
    }
    pipe.bytes.append(buffer, static_cast<std::size_t>(n));
    changed_.notify_all();
  }
  ::close(fd);
}

std::optional<std::string> Sidecar::first_line(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  bool got = changed_.wait_for(
      lock, timeout, [&] { return stdout_.bytes.find('\n') != std::string::npos || stdout_.closed; });
  auto newline = stdout_.bytes.find('\n');
  if (!got || newline == std::string::npos) return std::nullopt;
  return stdout_.bytes.substr(0, newline + 1);
}

std::uint16_t Sidecar::port() {
  auto line = first_line();
  if (!line) {
    ADD_FAILURE() << "no handshake line on stdout within " << startup_timeout().count() << " ms";
    return 0;
  }
  constexpr std::string_view kPrefix = "BACKEND_PORT:";
  if (!line->starts_with(kPrefix)) {
    ADD_FAILURE() << "unexpected first stdout line: " << *line;
    return 0;
  }
  return static_cast<std::uint16_t>(std::stoul(line->substr(kPrefix.size())));
}

void Sidecar::start_reading_stderr() {
  if (stderr_reader_.joinable() || stderr_fd_ < 0) return;
  stderr_reader_ = std::thread([this, fd = stderr_fd_] { pump(fd, stderr_); });
}

void Sidecar::send_signal(int signal) {
  if (pid_ > 0) ::kill(pid_, signal);
}

void Sidecar::write_stdin(std::string_view bytes) {
  if (stdin_fd_ < 0) return;
  while (!bytes.empty()) {
    ssize_t n = ::write(stdin_fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

void Sidecar::close_stdin() {
  if (stdin_fd_ >= 0) ::close(stdin_fd_);
  stdin_fd_ = -1;
}

std::optional<int> Sidecar::wait_exit(std::chrono::milliseconds timeout) {
  if (exit_code_ || pid_ <= 0) return exit_code_;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      // The pipes close once the process is gone; collect everything it wrote.
      std::unique_lock lock(mutex_);
      changed_.wait_for(lock, 5s, [&] { return stdout_.closed && stderr_.closed; });
      return exit_code_;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(2ms);
  }
}

bool Sidecar::wait_stderr_contains(std::string_view text, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return stderr_.bytes.find(text) != std::string::npos; });
}

std::string Sidecar::stdout_bytes() {
  std::lock_guard lock(mutex_);
  return stdout_.bytes;
}

std::string Sidecar::stderr_bytes() {
  std::lock_guard lock(mutex_);
  return stderr_.bytes;
}

}  // namespace backend::e2e
