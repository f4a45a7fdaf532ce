#include <sys/event.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>

#include "platform/parent_watch.hpp"

namespace backend::platform {
namespace {

// Where the kqueue cannot be set up, the parent pid is polled this often.
constexpr std::chrono::milliseconds kPollPeriod{200};

}  // namespace

struct ParentWatch::Impl {
  // A kqueue of our own holding one EVFILT_PROC/NOTE_EXIT filter on the parent. A kqueue descriptor is
  // readable while it has events pending, so Asio's own reactor can wait on it.
  boost::asio::posix::stream_descriptor queue;
  boost::asio::steady_timer poll_timer;
  std::function<void()> on_parent_exit;
  pid_t parent = 0;
  bool stopped = false;
  bool fired = false;

  Impl(boost::asio::io_context& io, std::function<void()> callback)
      : queue(io), poll_timer(io), on_parent_exit(std::move(callback)) {}

  void fire() {
    if (fired || stopped) return;
    fired = true;
    on_parent_exit();
  }

  bool parent_gone() const { return ::getppid() != parent; }

  void poll() {
    poll_timer.expires_after(kPollPeriod);
    poll_timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopped) return;
      if (parent_gone()) return fire();
      poll();
    });
  }

  // Returns false when the kqueue cannot watch the parent (then the caller polls).
  bool watch_with_kqueue() {
    int kq = ::kqueue();
    if (kq < 0) return false;
    struct kevent change;
    EV_SET(&change, parent, EVFILT_PROC, EV_ADD | EV_ONESHOT, NOTE_EXIT, 0, nullptr);
    if (::kevent(kq, &change, 1, nullptr, 0, nullptr) < 0) {
      ::close(kq);
      return false;  // ESRCH: the parent is already gone, which the pid check below sees
    }
    boost::system::error_code ec;
    queue.assign(kq, ec);
    if (ec) {
      ::close(kq);
      return false;
    }
    queue.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                     [this](const boost::system::error_code& wait_ec) {
                       if (!wait_ec) fire();
                     });
    return true;
  }
};

ParentWatch::ParentWatch(boost::asio::io_context& io, std::function<void()> on_parent_exit)
    : impl_(std::make_unique<Impl>(io, std::move(on_parent_exit))) {}

ParentWatch::~ParentWatch() {
  stop();
}

std::optional<std::string> ParentWatch::start() {
  impl_->parent = ::getppid();
  if (impl_->parent == 1) return "the parent is already launchd (pid 1): there is no host to watch";
  bool watching = impl_->watch_with_kqueue();
  // The parent may have died before the filter was added: check once now, and poll where kqueue failed.
  if (impl_->parent_gone()) {
    boost::asio::post(impl_->poll_timer.get_executor(), [this] { impl_->fire(); });
  } else if (!watching) {
    impl_->poll();
  }
  return std::nullopt;
}

void ParentWatch::stop() {
  impl_->stopped = true;
  boost::system::error_code ignored;
  impl_->poll_timer.cancel();
  impl_->queue.cancel(ignored);
  impl_->queue.close(ignored);
}

}  // namespace backend::platform
