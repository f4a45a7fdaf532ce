#include <windows.h>
// after windows.h
#include <tlhelp32.h>

#include <boost/asio/post.hpp>
#include <boost/asio/windows/object_handle.hpp>

#include "platform/parent_watch.hpp"

namespace backend::platform {
namespace {

// The id of the process that created us, from a process snapshot; 0 if it cannot be found.
DWORD parent_process_id() {
  DWORD self = ::GetCurrentProcessId();
  HANDLE snapshot = ::CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  if (snapshot == INVALID_HANDLE_VALUE) return 0;
  PROCESSENTRY32W entry{};
  entry.dwSize = sizeof entry;
  DWORD parent = 0;
  for (BOOL more = ::Process32FirstW(snapshot, &entry); more; more = ::Process32NextW(snapshot, &entry)) {
    if (entry.th32ProcessID == self) {
      parent = entry.th32ParentProcessID;
      break;
    }
  }
  ::CloseHandle(snapshot);
  return parent;
}

ULONGLONG creation_time(HANDLE process) {
  FILETIME created, exited, kernel, user;
  if (!::GetProcessTimes(process, &created, &exited, &kernel, &user)) return 0;
  return (static_cast<ULONGLONG>(created.dwHighDateTime) << 32) | created.dwLowDateTime;
}

}  // namespace

struct ParentWatch::Impl {
  boost::asio::windows::object_handle handle;
  std::function<void()> on_parent_exit;
  bool stopped = false;
  bool fired = false;

  Impl(boost::asio::io_context& io, std::function<void()> callback)
      : handle(io), on_parent_exit(std::move(callback)) {}

  void fire() {
    if (fired || stopped) return;
    fired = true;
    on_parent_exit();
  }
};

ParentWatch::ParentWatch(boost::asio::io_context& io, std::function<void()> on_parent_exit)
    : impl_(std::make_unique<Impl>(io, std::move(on_parent_exit))) {}

ParentWatch::~ParentWatch() {
  stop();
}

std::optional<std::string> ParentWatch::start() {
  DWORD parent = parent_process_id();
  if (parent == 0) return "the parent process id is unknown";
  HANDLE process = ::OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, parent);
  if (process == nullptr) {
    DWORD error = ::GetLastError();
    // Windows keeps the parent's id after it exits: an id that names no process means the parent is gone.
    if (error == ERROR_INVALID_PARAMETER) {
      boost::asio::post(impl_->handle.get_executor(), [this] { impl_->fire(); });
      return std::nullopt;
    }
    return "cannot open the parent process " + std::to_string(parent) + " (error " + std::to_string(error) +
           ")";
  }
  // Process ids are reused: a "parent" created after us is a stranger that got our dead parent's id.
  ULONGLONG ours = creation_time(::GetCurrentProcess());
  ULONGLONG theirs = creation_time(process);
  if (ours != 0 && theirs != 0 && theirs > ours) {
    ::CloseHandle(process);
    boost::asio::post(impl_->handle.get_executor(), [this] { impl_->fire(); });
    return std::nullopt;
  }
  boost::system::error_code ec;
  impl_->handle.assign(process, ec);
  if (ec) {
    ::CloseHandle(process);
    return "cannot wait on the parent process: " + ec.message();
  }
  // A process handle is signalled when the process exits.
  impl_->handle.async_wait([this](const boost::system::error_code& wait_ec) {
    if (!wait_ec) impl_->fire();
  });
  return std::nullopt;
}

void ParentWatch::stop() {
  impl_->stopped = true;
  boost::system::error_code ignored;
  impl_->handle.cancel(ignored);
  impl_->handle.close(ignored);
}

}  // namespace backend::platform
