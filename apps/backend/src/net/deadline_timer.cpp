#include "net/deadline_timer.hpp"

namespace backend {

DeadlineTimer::DeadlineTimer(const boost::asio::any_io_executor& executor, Clock::duration resolution,
                             Sweep sweep)
    : timer_(executor), resolution_(resolution), sweep_(std::move(sweep)) {}

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
  // Re-arming cancels the wait already pending; its handler sees operation_aborted and does nothing.
  timer_.expires_at(expiry);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) on_expiry();
  });
}

void DeadlineTimer::on_expiry() {
  armed_.reset();
  if (stopped_) return;
  if (auto next = sweep_(Clock::now())) arm(*next);
}

void DeadlineTimer::disarm() {
  if (!armed_) return;
  armed_.reset();
  timer_.cancel();
}

void DeadlineTimer::stop() {
  stopped_ = true;
  disarm();
}

}  // namespace backend
