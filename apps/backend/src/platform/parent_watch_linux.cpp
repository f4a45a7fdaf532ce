#include <sys/syscall.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "platform/parent_watch.hpp"

namespace backend::platform {
namespace {

// Where pidfds are missing (kernels before 5.3), the parent pid is polled this often.
constexpr std::chrono::milliseconds kPollPeriod{200};

}  // namespace

struct ParentWatch::Impl {
  boost::asio::posix::stream_descriptor pidfd;
  boost::asio::steady_timer poll_timer;
  std::function<void()> on_parent_exit;
  pid_t parent = 0;
  bool stopped = false;
  bool fired = false;

  Impl(boost::asio::io_context& io, std::function<void()> callback)
      : pidfd(io), poll_timer(io), on_parent_exit(std::move(callback)) {}

  void fire() {
    if (fired || stopped) return;
    fired = true;
    on_parent_exit();
  }

  // The pid check also catches the case the pidfd cannot: the parent died before we opened it.
  bool parent_gone() const { return ::getppid() != parent; }

  void poll() {
    poll_timer.expires_after(kPollPeriod);
    poll_timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopped) return;
      if (parent_gone()) return fire();
      poll();
    });
  }
};

ParentWatch::ParentWatch(boost::asio::io_context& io, std::function<void()> on_parent_exit)
    : impl_(std::make_unique<Impl>(io, std::move(on_parent_exit))) {}

ParentWatch::~ParentWatch() {
  stop();
}

std::optional<std::string> ParentWatch::start() {
  impl_->parent = ::getppid();
  if (impl_->parent == 1) return "the parent is already init (pid 1): there is no host to watch";
  // Not PR_SET_PDEATHSIG: it fires when the parent *thread* exits, and hosts spawn from thread pools.
  long fd = ::syscall(SYS_pidfd_open, impl_->parent, 0);
  if (fd >= 0) {
    boost::system::error_code ec;
    impl_->pidfd.assign(static_cast<int>(fd), ec);
    if (!ec) {
      // A pidfd becomes readable when the process exits.
      impl_->pidfd.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                              [this](const boost::system::error_code& wait_ec) {
                                if (!wait_ec) impl_->fire();
                              });
    } else {
      ::close(static_cast<int>(fd));
    }
  }
  // The pidfd may name a process that had already died and been replaced as our parent: check once now, and
  // keep polling where there is no pidfd.
  if (impl_->parent_gone()) {
    boost::asio::post(impl_->poll_timer.get_executor(), [this] { impl_->fire(); });
  } else if (!impl_->pidfd.is_open()) {
    impl_->poll();
  }
  return std::nullopt;
}

void ParentWatch::stop() {
  impl_->stopped = true;
  boost::system::error_code ignored;
  impl_->poll_timer.cancel();
  impl_->pidfd.cancel(ignored);
  impl_->pidfd.close(ignored);
}

}  // namespace backend::platform
