#pragma once
// An Alarm (alarm.hpp) on an Asio steady_timer: what macOS and Windows use, and Linux when it cannot make a
// timerfd.
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>

namespace backend::platform {

class SteadyTimerAlarm {
 public:
  SteadyTimerAlarm(const boost::asio::any_io_executor& executor, std::function<void()> on_expiry)
      : state_(std::make_shared<State>(executor, std::move(on_expiry))) {}
  ~SteadyTimerAlarm() { unset(); }
  SteadyTimerAlarm(const SteadyTimerAlarm&) = delete;
  SteadyTimerAlarm& operator=(const SteadyTimerAlarm&) = delete;

  void set(std::chrono::steady_clock::time_point when) {
    state_->set = true;
    state_->timer.expires_at(when);
    // The handler holds the state: after the alarm is gone, a cancelled wait still completes into it.
    state_->timer.async_wait([state = state_](const boost::system::error_code& ec) {
      if (ec || !state->set) return;
      state->set = false;
      state->on_expiry();
    });
  }

  void unset() {
    state_->set = false;
    state_->timer.cancel();
  }

 private:
  struct State {
    State(const boost::asio::any_io_executor& executor, std::function<void()> on_expiry_)
        : timer(executor), on_expiry(std::move(on_expiry_)) {}
    boost::asio::steady_timer timer;
    std::function<void()> on_expiry;
    bool set = false;  // a wait that completed just before a cancel still finds it unset
  };
  std::shared_ptr<State> state_;
};

}  // namespace backend::platform
