#include <sys/timerfd.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <cerrno>
#include <cstdint>
#include <optional>

#include "platform/alarm.hpp"
#include "platform/steady_timer_alarm.hpp"

namespace backend::platform {

namespace {

timespec to_timespec(Alarm::Clock::duration since_epoch) {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  auto nanoseconds = std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch - seconds);
  return {static_cast<time_t>(seconds.count()), static_cast<long>(nanoseconds.count())};
}

}  // namespace

// steady_clock is CLOCK_MONOTONIC (libstdc++ and libc++ on Linux), so its time points are the timerfd's
// absolute times. At most one wait is outstanding, and only while the alarm is set.
struct Alarm::Impl {
  Impl(const boost::asio::any_io_executor& executor, std::function<void()> on_expiry_)
      : descriptor(executor), on_expiry(std::move(on_expiry_)) {
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    boost::system::error_code ec;
    if (fd >= 0) descriptor.assign(fd, ec);
    if (fd >= 0 && ec) close(fd);
    if (!descriptor.is_open()) fallback.emplace(executor, on_expiry);
  }

  void program(const timespec& value) {
    itimerspec spec{};
    spec.it_value = value;
    timerfd_settime(descriptor.native_handle(), TFD_TIMER_ABSTIME, &spec, nullptr);
  }

  // The handler holds the state: after the Alarm is gone, a cancelled wait still completes into it.
  static void wait(const std::shared_ptr<Impl>& self) {
    self->waiting = true;
    self->descriptor.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                                [self](const boost::system::error_code& ec) { on_ready(self, ec); });
  }

  // Readiness may be stale: the alarm may have been set again, or unset, since the descriptor became
  // readable. Setting a timerfd clears its count, so a read that finds nothing means "not yet".
  static void on_ready(const std::shared_ptr<Impl>& self, const boost::system::error_code& ec) {
    self->waiting = false;
    if (!ec) {
      std::uint64_t expirations = 0;
      if (read(self->descriptor.native_handle(), &expirations, sizeof expirations) == sizeof expirations) {
        self->set = false;
        self->on_expiry();
        return;
      }
    }
    // Set again while this wait was being cancelled, or not due yet: wait on.
    if (self->set && !self->waiting) wait(self);
  }

  boost::asio::posix::stream_descriptor descriptor;
  std::optional<SteadyTimerAlarm> fallback;  // when no timerfd could be made
  std::function<void()> on_expiry;
  bool set = false;
  bool waiting = false;
};

Alarm::Alarm(const boost::asio::any_io_executor& executor, std::function<void()> on_expiry)
    : impl_(std::make_shared<Impl>(executor, std::move(on_expiry))) {}

Alarm::~Alarm() {
  unset();
}

void Alarm::set(Clock::time_point when) {
  if (impl_->fallback) return impl_->fallback->set(when);
  // A zero it_value would disarm the timer: a time at or before the clock's epoch rings at once instead.
  auto since_epoch = when.time_since_epoch();
  if (since_epoch <= Clock::duration::zero()) since_epoch = std::chrono::nanoseconds(1);
  impl_->program(to_timespec(since_epoch));
  impl_->set = true;
  if (!impl_->waiting) Impl::wait(impl_);
}

void Alarm::unset() {
  if (impl_->fallback) return impl_->fallback->unset();
  impl_->set = false;
  impl_->program({});
  boost::system::error_code ignored;
  if (impl_->waiting) impl_->descriptor.cancel(ignored);
}

}  // namespace backend::platform
