#include "platform/alarm.hpp"
#include "platform/steady_timer_alarm.hpp"

namespace backend::platform {

// Asio's reactors on macOS (kqueue) and Windows (IOCP) compute their wait from the timer queue on every turn,
// so a cancelled timer leaves no wakeup behind (kqueue's cap on one wait, 5 minutes, stays).
struct Alarm::Impl {
  Impl(const boost::asio::any_io_executor& executor, std::function<void()> on_expiry)
      : timer(executor, std::move(on_expiry)) {}
  SteadyTimerAlarm timer;
};

Alarm::Alarm(const boost::asio::any_io_executor& executor, std::function<void()> on_expiry)
    : impl_(std::make_shared<Impl>(executor, std::move(on_expiry))) {}

Alarm::~Alarm() {
  unset();
}

void Alarm::set(Clock::time_point when) {
  impl_->timer.set(when);
}

void Alarm::unset() {
  impl_->timer.unset();
}

}  // namespace backend::platform
