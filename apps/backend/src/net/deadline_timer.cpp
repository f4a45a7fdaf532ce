#include "net/deadline_timer.hpp"

namespace backend {

DeadlineTimer::DeadlineTimer(const boost::asio::any_io_executor& executor, Clock::duration resolution,
                             Sweep sweep)
    : alarm_(executor, [this] { on_expiry(); }), resolution_(resolution), sweep_(std::move(sweep)) {}

DeadlineTimer::Clock::time_point DeadlineTimer::round_up(Clock::time_point deadline,
                                                         Clock::duration resolution) {
  auto since_epoch = deadline.time_since_epoch();
  auto remainder = since_epoch % resolution;
  if (remainder == Clock::duration::zero()) return deadline;
  return deadline + (resolution - remainder);
}

void DeadlineTimer::arm_earlier(Clock::time_point deadline) {
  if (stopped_) return;
  auto expiry = round_up(deadline, resolution_);
  if (armed_ && *armed_ <= expiry) return;
  armed_ = expiry;
  alarm_.set(expiry);
}

void DeadlineTimer::on_expiry() {
  armed_.reset();
  if (stopped_) return;
  if (auto next = sweep_(Clock::now())) arm(*next);
}

void DeadlineTimer::disarm() {
  if (!armed_) return;
  armed_.reset();
  alarm_.unset();
}

void DeadlineTimer::stop() {
  stopped_ = true;
  disarm();
}

}  // namespace backend
