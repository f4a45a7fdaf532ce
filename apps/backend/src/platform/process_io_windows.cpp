#include <fcntl.h>
#include <io.h>
#include <windows.h>

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <string>

#include "platform/process_io.hpp"

namespace backend::platform {
namespace {

bool write_all(HANDLE handle, std::string_view bytes) {
  if (handle == nullptr || handle == INVALID_HANDLE_VALUE) return false;
  while (!bytes.empty()) {
    DWORD chunk = bytes.size() > 0x10000000 ? 0x10000000 : static_cast<DWORD>(bytes.size());
    DWORD written = 0;
    if (!::WriteFile(handle, bytes.data(), chunk, &written, nullptr)) return false;
    bytes.remove_prefix(written);
  }
  return true;
}

// Windows has no poll() for pipes and consoles, so the stderr sink hands lines to a writer thread through a
// bounded queue: try_write never blocks (a full queue drops the line, as a full pipe does on POSIX), and a
// host that does not read stderr stalls only the writer thread. The thread owns a reference to the queue, so
// it may outlive the sink, blocked in WriteFile, until the process exits.
class QueuedStderrSink final : public LogSink {
 public:
  QueuedStderrSink() : state_(std::make_shared<State>()) {
    auto* ref = new std::shared_ptr<State>(state_);
    HANDLE thread =
        ::CreateThread(nullptr, 64 * 1024, &writer, ref, STACK_SIZE_PARAM_IS_A_RESERVATION, nullptr);
    if (thread == nullptr) {
      delete ref;
      state_->failed = true;
    } else {
      ::CloseHandle(thread);
    }
  }

  ~QueuedStderrSink() override {
    // Give queued lines (the shutdown messages) a moment to reach the host, then leave the thread behind.
    std::unique_lock lock(state_->mutex);
    state_->closing = true;
    state_->wake.notify_all();
    state_->drained.wait_for(lock, std::chrono::milliseconds(500),
                             [this] { return state_->queue.empty() && !state_->writing; });
  }

  bool try_write(std::string_view line) override {
    std::lock_guard lock(state_->mutex);
    if (state_->failed || state_->closing) return false;
    if (state_->queued_bytes + line.size() > kMaxQueuedBytes) return false;
    state_->queue.emplace_back(line);
    state_->queued_bytes += line.size();
    state_->wake.notify_one();
    return true;
  }

 private:
  static constexpr std::size_t kMaxQueuedBytes = 64 * 1024;

  struct State {
    std::mutex mutex;
    std::condition_variable wake;
    std::condition_variable drained;
    std::deque<std::string> queue;
    std::size_t queued_bytes = 0;
    bool writing = false;
    bool closing = false;
    bool failed = false;
  };

  static DWORD WINAPI writer(void* param) {
    std::shared_ptr<State> state = std::move(*static_cast<std::shared_ptr<State>*>(param));
    delete static_cast<std::shared_ptr<State>*>(param);
    HANDLE handle = ::GetStdHandle(STD_ERROR_HANDLE);
    std::unique_lock lock(state->mutex);
    for (;;) {
      state->wake.wait(lock, [&] { return !state->queue.empty() || state->closing; });
      if (state->queue.empty()) {
        state->drained.notify_all();
        return 0;
      }
      std::string line = std::move(state->queue.front());
      state->queue.pop_front();
      state->queued_bytes -= line.size();
      state->writing = true;
      lock.unlock();
      bool ok = write_all(handle, line);
      lock.lock();
      state->writing = false;
      if (!ok) {
        // stderr is closed: nothing will ever be written again.
        state->failed = true;
        state->queue.clear();
        state->queued_bytes = 0;
      }
      if (state->queue.empty()) state->drained.notify_all();
    }
  }

  std::shared_ptr<State> state_;
};

}  // namespace

void prepare_process() {
  // Binary mode: the CRT must never turn "\n" into "\r\n" on stdout or stderr (the port line ends in LF).
  _setmode(_fileno(stdout), _O_BINARY);
  _setmode(_fileno(stderr), _O_BINARY);
  // No "abort, retry, ignore" or Windows Error Reporting dialogs: a sidecar has no one to click them.
  ::SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
}

// One WriteFile on the raw handle: no CRT buffering or newline translation in between.
bool write_stdout(std::string_view bytes) {
  return write_all(::GetStdHandle(STD_OUTPUT_HANDLE), bytes);
}

std::unique_ptr<LogSink> make_stderr_sink() {
  return std::make_unique<QueuedStderrSink>();
}

void write_stderr(std::string_view bytes) {
  write_all(::GetStdHandle(STD_ERROR_HANDLE), bytes);
}

long process_id() {
  return static_cast<long>(::GetCurrentProcessId());
}

}  // namespace backend::platform
