#include <boost/asio/steady_timer.hpp>
#include <chrono>

#include "platform/stderr_wait.hpp"

namespace backend::platform {
namespace {

constexpr std::chrono::milliseconds kRetryPeriod{250};

}  // namespace

// The Windows sink queues lines for a writer thread of its own; a line is dropped only while that queue is
// full, so retrying after a period, only while a drop count is pending, is enough.
struct StderrWait::Impl {
  boost::asio::steady_timer retry;
  explicit Impl(boost::asio::io_context& io) : retry(io) {}
};

StderrWait::StderrWait(boost::asio::io_context& io) : impl_(std::make_unique<Impl>(io)) {}

StderrWait::~StderrWait() {
  cancel();
}

void StderrWait::async_wait(std::function<void()> ready) {
  impl_->retry.expires_after(kRetryPeriod);
  impl_->retry.async_wait([ready = std::move(ready)](const boost::system::error_code& ec) {
    if (!ec) ready();
  });
}

void StderrWait::cancel() {
  impl_->retry.cancel();
}

}  // namespace backend::platform
