#pragma once
// One wakeup at a steady_clock time, and none at all while unset. Asio's timers cannot promise the second on
// Linux: once a timer has been waited for, its epoll reactor keeps its own timer descriptor armed, at the
// deadline of a cancelled wait and then up to 5 minutes ahead, again and again, so an idle server would still
// wake up. On Linux this owns a timerfd, which it arms and disarms exactly; elsewhere it is an Asio
// steady_timer.
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <functional>
#include <memory>

namespace backend::platform {

class Alarm {
 public:
  using Clock = std::chrono::steady_clock;

  // `on_expiry` runs on the executor's thread.
  Alarm(const boost::asio::any_io_executor& executor, std::function<void()> on_expiry);
  ~Alarm();
  Alarm(const Alarm&) = delete;
  Alarm& operator=(const Alarm&) = delete;

  // Rings once at `when` (at once if it has passed), replacing any earlier setting.
  void set(Clock::time_point when);
  // Will not ring. No wakeup stays scheduled, and no wait is left outstanding on the executor.
  void unset();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;  // shared with the wait in progress
};

}  // namespace backend::platform
