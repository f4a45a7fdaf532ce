#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>

#include "platform/stderr_wait.hpp"

namespace backend::platform {
namespace {

// The least time between two reports that both failed: bounds the wakeups while a report cannot be written.
constexpr std::chrono::milliseconds kRetryPeriod{250};

}  // namespace

// A duplicate of fd 2, so that the reactor's registration never touches the descriptor the sink writes to.
// Waiting never changes the descriptor's blocking mode.
struct StderrWait::Impl {
  boost::asio::posix::stream_descriptor stream;
  boost::asio::steady_timer retry;
  std::function<void()> ready;
  std::chrono::steady_clock::time_point last_ready{};

  explicit Impl(boost::asio::io_context& io) : stream(io), retry(io) {
    int fd = ::fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
    if (fd < 0) return;
    boost::system::error_code ec;
    stream.assign(fd, ec);
    if (ec) ::close(fd);
  }

  void notify() {
    last_ready = std::chrono::steady_clock::now();
    if (auto callback = std::move(ready)) callback();
  }

  void wait_writable() {
    stream.async_wait(boost::asio::posix::stream_descriptor::wait_write,
                      [this](const boost::system::error_code& ec) {
                        if (ec == boost::asio::error::operation_aborted) return;
                        // A regular file or /dev/null cannot be waited on (operation_not_supported): retry
                        // after a period instead.
                        if (ec) return wait_period();
                        notify();
                      });
  }

  void wait_period() {
    retry.expires_after(kRetryPeriod);
    retry.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) notify();
    });
  }
};

StderrWait::StderrWait(boost::asio::io_context& io) : impl_(std::make_unique<Impl>(io)) {}

StderrWait::~StderrWait() {
  cancel();
}

void StderrWait::async_wait(std::function<void()> ready) {
  cancel();
  impl_->ready = std::move(ready);
  bool just_failed = std::chrono::steady_clock::now() - impl_->last_ready < kRetryPeriod;
  if (!impl_->stream.is_open() || just_failed) return impl_->wait_period();
  impl_->wait_writable();
}

void StderrWait::cancel() {
  boost::system::error_code ignored;
  impl_->stream.cancel(ignored);
  impl_->retry.cancel();
}

}  // namespace backend::platform
