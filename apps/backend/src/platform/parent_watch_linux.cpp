#include <sys/syscall.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>

#include "platform/parent_pid_poll.hpp"
#include "platform/parent_watch.hpp"

namespace backend::platform {

struct ParentWatch::Impl {
  boost::asio::posix::stream_descriptor pidfd;
  ParentPidPoll fallback;

  Impl(boost::asio::io_context& io, std::function<void()> callback)
      : pidfd(io), fallback(io, std::move(callback)) {}
};

ParentWatch::ParentWatch(boost::asio::io_context& io, std::function<void()> on_parent_exit)
    : impl_(std::make_unique<Impl>(io, std::move(on_parent_exit))) {}

ParentWatch::~ParentWatch() {
  stop();
}

std::optional<std::string> ParentWatch::start() {
  pid_t parent = impl_->fallback.record_parent();
  if (parent == 1) return "the parent is already init (pid 1): there is no host to watch";
  // Not PR_SET_PDEATHSIG: it fires when the parent *thread* exits, and hosts spawn from thread pools.
  // Where pidfds are missing (kernels before 5.3), the fallback polls the parent pid.
  long fd = ::syscall(SYS_pidfd_open, parent, 0);
  if (fd >= 0) {
    boost::system::error_code ec;
    impl_->pidfd.assign(static_cast<int>(fd), ec);
    if (!ec) {
      // A pidfd becomes readable when the process exits.
      impl_->pidfd.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                              [this](const boost::system::error_code& wait_ec) {
                                if (!wait_ec) impl_->fallback.fire();
                              });
    } else {
      ::close(static_cast<int>(fd));
    }
  }
  // The pidfd may name a process that had already died and been replaced as our parent.
  impl_->fallback.settle(impl_->pidfd.is_open());
  return std::nullopt;
}

void ParentWatch::stop() {
  impl_->fallback.stop();
  boost::system::error_code ignored;
  impl_->pidfd.cancel(ignored);
  impl_->pidfd.close(ignored);
}

}  // namespace backend::platform
