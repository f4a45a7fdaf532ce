#include <boost/asio/steady_timer.hpp>

#include "platform/alarm.hpp"

namespace backend::platform {

// Asio's reactors on macOS (kqueue) and Windows (IOCP) compute their wait from the timer queue on every turn,
// so a cancelled timer leaves no wakeup behind (their cap on one wait, 5 minutes, stays).
struct Alarm::Impl {
  Impl(const boost::asio::any_io_executor& executor, std::function<void()> on_expiry_)
      : timer(executor), on_expiry(std::move(on_expiry_)) {}

  boost::asio::steady_timer timer;
  std::function<void()> on_expiry;
  bool set = false;  // a wait that completed before a cancel still finds it unset
};

Alarm::Alarm(const boost::asio::any_io_executor& executor, std::function<void()> on_expiry)
    : impl_(std::make_shared<Impl>(executor, std::move(on_expiry))) {}

Alarm::~Alarm() {
  unset();
}

void Alarm::set(Clock::time_point when) {
  impl_->set = true;
  impl_->timer.expires_at(when);
  impl_->timer.async_wait([impl = impl_](const boost::system::error_code& ec) {
    if (ec || !impl->set) return;
    impl->set = false;
    impl->on_expiry();
  });
}

void Alarm::unset() {
  impl_->set = false;
  impl_->timer.cancel();
}

}  // namespace backend::platform
