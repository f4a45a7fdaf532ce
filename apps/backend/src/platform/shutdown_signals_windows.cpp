#include <windows.h>

#include <boost/asio/post.hpp>
#include <mutex>

#include "platform/shutdown_signals.hpp"

namespace backend::platform {
namespace {

// Console control handlers are process-wide and run on a thread the system creates for each event, so the one
// live ShutdownSignals is reached through this pointer, under this mutex.
std::mutex g_mutex;
ShutdownSignals* g_active = nullptr;
std::function<void(std::string_view)>* g_on_signal = nullptr;
boost::asio::io_context* g_io = nullptr;
bool g_cancelled = false;

const char* event_name(DWORD type) {
  switch (type) {
    case CTRL_C_EVENT:
      return "CTRL_C_EVENT";
    case CTRL_BREAK_EVENT:
      return "CTRL_BREAK_EVENT";
    case CTRL_CLOSE_EVENT:
      return "CTRL_CLOSE_EVENT";
    case CTRL_LOGOFF_EVENT:
      return "CTRL_LOGOFF_EVENT";
    case CTRL_SHUTDOWN_EVENT:
      return "CTRL_SHUTDOWN_EVENT";
    default:
      return nullptr;
  }
}

BOOL WINAPI on_console_event(DWORD type) {
  const char* name = event_name(type);
  if (name == nullptr) return FALSE;
  {
    std::lock_guard lock(g_mutex);
    if (g_active == nullptr) return FALSE;  // not ours any more: the default handler ends the process
    if (!g_cancelled) {
      auto* on_signal = g_on_signal;
      // Runs on the io_context's thread, the one that also destroys us: no lock needed around the call.
      boost::asio::post(*g_io, [on_signal, name] {
        bool live;
        {
          std::lock_guard inner(g_mutex);
          live = g_on_signal == on_signal && !g_cancelled;
        }
        if (live) (*on_signal)(name);
      });
    }
  }
  if (type == CTRL_C_EVENT || type == CTRL_BREAK_EVENT) return TRUE;
  // Close, logoff, shutdown: the system ends the process as soon as this handler returns (and after a few
  // seconds regardless). Not returning leaves the drain its time; when it is done, main() returns and the
  // process exits with its own exit code, taking this thread with it.
  for (;;)
    ::Sleep(INFINITE);
}

}  // namespace

struct ShutdownSignals::Impl {
  std::function<void(std::string_view)> on_signal;
};

ShutdownSignals::ShutdownSignals(boost::asio::io_context& io, std::function<void(std::string_view)> on_signal)
    : impl_(std::make_unique<Impl>(Impl{std::move(on_signal)})) {
  {
    std::lock_guard lock(g_mutex);
    g_active = this;
    g_on_signal = &impl_->on_signal;
    g_io = &io;
    g_cancelled = false;
  }
  // Also undoes an inherited "ignore CTRL+C" (CREATE_NEW_PROCESS_GROUP sets it): the host's events must reach
  // us.
  ::SetConsoleCtrlHandler(nullptr, FALSE);
  ::SetConsoleCtrlHandler(&on_console_event, TRUE);
}

// The handler stays registered, inert (it returns FALSE, so the default handler ends the process): removing
// it would wait for the console's handler lock, which a CTRL_CLOSE_EVENT handler still blocked in
// on_console_event holds, and the process would never exit.
ShutdownSignals::~ShutdownSignals() {
  std::lock_guard lock(g_mutex);
  if (g_active == this) {
    g_active = nullptr;
    g_on_signal = nullptr;
    g_io = nullptr;
  }
}

void ShutdownSignals::cancel() {
  std::lock_guard lock(g_mutex);
  if (g_active == this) g_cancelled = true;
}

}  // namespace backend::platform
