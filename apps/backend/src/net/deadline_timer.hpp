#pragma once
// One timer for every connection's deadline, armed only while some deadline exists: an idle server with no
// connection has no timer pending and so never wakes up. Sessions report their deadlines here; the timer runs
// the sweep when the earliest is due, and the sweep reports the next one. Deadlines are coarse by design, so
// the expiry is rounded up to a resolution: deadlines that fall close together share one wakeup, and the
// wakeups stay bounded however many connections there are.
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <functional>
#include <optional>

#include "platform/alarm.hpp"

namespace backend {

class DeadlineTimer {
 public:
  using Clock = std::chrono::steady_clock;
  // Runs every deadline that is due at `now` and returns the earliest one left, if any.
  using Sweep = std::function<std::optional<Clock::time_point>(Clock::time_point now)>;

  DeadlineTimer(const boost::asio::any_io_executor& executor, Clock::duration resolution, Sweep sweep);

  // The sweep will run at or after `deadline` (at most one resolution later). A deadline later than the one
  // already armed costs nothing: the sweep then finds it and re-arms.
  void arm(Clock::time_point deadline) {
    // The common case, checked inline since every request arms a deadline or two: a sweep is already due by
    // then.
    if (armed_ && *armed_ <= deadline) return;
    arm_earlier(deadline);
  }
  // Nothing is due any more (the last connection closed): no timer stays armed.
  void disarm();
  // No sweep runs after this.
  void stop();

  // The expiry a deadline is rounded up to, exposed for tests.
  static Clock::time_point round_up(Clock::time_point deadline, Clock::duration resolution);
  std::optional<Clock::time_point> armed() const { return armed_; }

 private:
  void arm_earlier(Clock::time_point deadline);
  void on_expiry();

  platform::Alarm alarm_;
  Clock::duration resolution_;
  Sweep sweep_;
  std::optional<Clock::time_point> armed_;
  bool stopped_ = false;
};

}  // namespace backend
