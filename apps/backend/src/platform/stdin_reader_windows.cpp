#include <windows.h>

#include <boost/asio/post.hpp>
#include <mutex>

#include "platform/stdin_reader.hpp"

namespace backend::platform {
namespace {

// What the reader thread shares with the StdinReader. The thread keeps its own reference: a blocking ReadFile
// cannot always be interrupted (CancelSynchronousIo is tried), so the thread may outlive the reader, and then
// only touches this state, never the io_context.
struct Shared {
  std::mutex mutex;
  boost::asio::io_context* io = nullptr;  // null once stopped
  std::function<void(std::string_view)> on_bytes;
  std::function<void()> on_eof;
  HANDLE input = INVALID_HANDLE_VALUE;
};

// Delivers on the io_context, unless the reader was stopped meanwhile (checked there, on the loop's thread).
template <typename Fn>
bool deliver(const std::shared_ptr<Shared>& shared, Fn fn) {
  std::lock_guard lock(shared->mutex);
  if (shared->io == nullptr) return false;
  boost::asio::post(*shared->io, [shared, fn = std::move(fn)]() mutable {
    {
      std::lock_guard inner(shared->mutex);
      if (shared->io == nullptr) return;
    }
    fn(*shared);
  });
  return true;
}

DWORD WINAPI read_loop(void* param) {
  std::shared_ptr<Shared> shared = std::move(*static_cast<std::shared_ptr<Shared>*>(param));
  delete static_cast<std::shared_ptr<Shared>*>(param);
  char buffer[512];
  for (;;) {
    DWORD n = 0;
    BOOL ok = ::ReadFile(shared->input, buffer, sizeof buffer, &n, nullptr);
    if (!ok || n == 0) {
      // ERROR_BROKEN_PIPE: the host closed its end. ERROR_OPERATION_ABORTED: stop() cancelled the read.
      if (!ok && ::GetLastError() == ERROR_OPERATION_ABORTED) return 0;
      deliver(shared, [](Shared& s) { s.on_eof(); });
      return 0;
    }
    if (!deliver(shared, [bytes = std::string(buffer, n)](Shared& s) { s.on_bytes(bytes); })) return 0;
  }
}

}  // namespace

struct StdinReader::Impl {
  std::shared_ptr<Shared> shared = std::make_shared<Shared>();
  boost::asio::io_context& io;
  HANDLE thread = nullptr;
  bool stopped = false;

  explicit Impl(boost::asio::io_context& context) : io(context) {}
};

StdinReader::StdinReader(boost::asio::io_context& io, std::function<void(std::string_view)> on_bytes,
                         std::function<void()> on_eof)
    : impl_(std::make_unique<Impl>(io)) {
  impl_->shared->on_bytes = std::move(on_bytes);
  impl_->shared->on_eof = std::move(on_eof);
}

StdinReader::~StdinReader() {
  stop();
  if (impl_->thread != nullptr) ::CloseHandle(impl_->thread);
}

std::optional<std::string> StdinReader::start() {
  HANDLE input = ::GetStdHandle(STD_INPUT_HANDLE);
  if (input == nullptr || input == INVALID_HANDLE_VALUE) return "stdin is closed";
  DWORD type = ::GetFileType(input);
  DWORD console_mode = 0;
  if (type == FILE_TYPE_DISK) return "stdin is not a pipe or console (a file)";
  if (type == FILE_TYPE_CHAR && !::GetConsoleMode(input, &console_mode))
    return "stdin is not a pipe or console (a character device such as NUL)";
  impl_->shared->input = input;
  impl_->shared->io = &impl_->io;
  auto* ref = new std::shared_ptr<Shared>(impl_->shared);
  impl_->thread =
      ::CreateThread(nullptr, 64 * 1024, &read_loop, ref, STACK_SIZE_PARAM_IS_A_RESERVATION, nullptr);
  if (impl_->thread == nullptr) {
    delete ref;
    impl_->shared->io = nullptr;
    return "cannot start the stdin reader thread (error " + std::to_string(::GetLastError()) + ")";
  }
  return std::nullopt;
}

void StdinReader::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  {
    std::lock_guard lock(impl_->shared->mutex);
    impl_->shared->io = nullptr;
  }
  // Ends a ReadFile in progress where Windows can; otherwise the thread stays blocked, harmlessly, until
  // exit.
  if (impl_->thread != nullptr) ::CancelSynchronousIo(impl_->thread);
}

}  // namespace backend::platform
