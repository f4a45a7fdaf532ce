#include <sys/event.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <cerrno>
#include <thread>

#include "platform/parent_pid_poll.hpp"
#include "platform/parent_watch.hpp"

namespace backend::platform {
namespace {

// The EVFILT_USER event that wakes the waiting thread when the watch stops.
constexpr uintptr_t kWakeIdent = 1;

}  // namespace

// A kqueue of our own holds an EVFILT_PROC/NOTE_EXIT filter on the parent, and a thread waits on it. (Asio's
// own reactor cannot wait on a kqueue descriptor on macOS: making it non-blocking fails with ENOTTY.) The
// thread reports the exit through a pipe that the loop waits on, never by posting to the io_context, which
// runs without locks (kIoConcurrencyHint). An EVFILT_USER event on the kqueue wakes the thread when the watch
// stops, so it can always be joined.
struct ParentWatch::Impl {
  boost::asio::posix::stream_descriptor exit_pipe;  // read end; the waiter thread holds the write end
  int exit_pipe_write = -1;
  pid_t parent = 0;
  int queue = -1;
  std::thread waiter;
  ParentPidPoll fallback;  // fires the callback; polls where the kqueue cannot be set up

  Impl(boost::asio::io_context& context, std::function<void()> callback)
      : exit_pipe(context), fallback(context, std::move(callback)) {}

  // Returns false when the kqueue cannot watch the parent (then the caller polls).
  bool watch_with_kqueue() {
    int fds[2];
    if (::pipe(fds) != 0) return false;
    boost::system::error_code ec;
    exit_pipe.assign(fds[0], ec);
    if (ec) {
      ::close(fds[0]);
      ::close(fds[1]);
      return false;
    }
    exit_pipe_write = fds[1];
    queue = ::kqueue();
    if (queue < 0) return false;
    struct kevent changes[2];
    EV_SET(&changes[0], static_cast<uintptr_t>(parent), EVFILT_PROC, EV_ADD | EV_ONESHOT, NOTE_EXIT, 0,
           nullptr);
    EV_SET(&changes[1], kWakeIdent, EVFILT_USER, EV_ADD | EV_CLEAR, 0, 0, nullptr);
    if (::kevent(queue, changes, 2, nullptr, 0, nullptr) < 0) return false;  // ESRCH: start() sees it
    exit_pipe.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                         [this](const boost::system::error_code& wait_ec) {
                           if (!wait_ec) fallback.fire();
                         });
    waiter = std::thread([this] {
      for (;;) {
        struct kevent event;
        int n = ::kevent(queue, nullptr, 0, &event, 1, nullptr);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0 || event.filter == EVFILT_USER) return;
        if (event.filter == EVFILT_PROC) {
          char byte = 1;
          (void)::write(exit_pipe_write, &byte, 1);
          return;
        }
      }
    });
    return true;
  }

  void close_all() {
    boost::system::error_code ignored;
    exit_pipe.cancel(ignored);
    exit_pipe.close(ignored);
    if (exit_pipe_write >= 0) ::close(exit_pipe_write);
    exit_pipe_write = -1;
    if (queue >= 0) ::close(queue);
    queue = -1;
  }
};

ParentWatch::ParentWatch(boost::asio::io_context& io, std::function<void()> on_parent_exit)
    : impl_(std::make_unique<Impl>(io, std::move(on_parent_exit))) {}

ParentWatch::~ParentWatch() {
  stop();
}

std::optional<std::string> ParentWatch::start() {
  impl_->parent = impl_->fallback.record_parent();
  if (impl_->parent == 1) return "the parent is already launchd (pid 1): there is no host to watch";
  bool watching = impl_->watch_with_kqueue();
  if (!watching) impl_->close_all();
  // The parent may have died before the filter was added.
  impl_->fallback.settle(watching);
  return std::nullopt;
}

void ParentWatch::stop() {
  impl_->fallback.stop();
  if (impl_->waiter.joinable()) {
    struct kevent wake;
    EV_SET(&wake, kWakeIdent, EVFILT_USER, 0, NOTE_TRIGGER, 0, nullptr);
    ::kevent(impl_->queue, &wake, 1, nullptr, 0, nullptr);
    impl_->waiter.join();
  }
  impl_->close_all();
}

}  // namespace backend::platform
