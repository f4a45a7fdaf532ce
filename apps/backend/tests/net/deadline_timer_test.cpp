#include "net/deadline_timer.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <vector>

namespace backend {
namespace {

using namespace std::chrono_literals;
using Clock = DeadlineTimer::Clock;

TEST(DeadlineTimer, RoundsDeadlinesUpToItsResolution) {
  Clock::time_point exact(1000ms);
  EXPECT_EQ(DeadlineTimer::round_up(exact, 250ms), exact);
  EXPECT_EQ(DeadlineTimer::round_up(exact + 1ns, 250ms), Clock::time_point(1250ms));
  EXPECT_EQ(DeadlineTimer::round_up(exact + 249ms, 250ms), Clock::time_point(1250ms));
}

// Deadlines in the past are due at once, so these run without waiting on the clock.
class DeadlineTimerSweeps : public ::testing::Test {
 protected:
  boost::asio::io_context io;
  std::vector<Clock::time_point> next;  // what each sweep reports, in order
  int sweeps = 0;
  DeadlineTimer timer{io.get_executor(), 1ms, [this](Clock::time_point) -> std::optional<Clock::time_point> {
                        if (static_cast<std::size_t>(sweeps) >= next.size()) return std::nullopt;
                        return next[static_cast<std::size_t>(sweeps++)];
                      }};
  Clock::time_point past = Clock::now() - 1h;
};

TEST_F(DeadlineTimerSweeps, NothingArmedMeansNothingPending) {
  EXPECT_EQ(io.run(), 0u);
  EXPECT_FALSE(timer.armed());
}

TEST_F(DeadlineTimerSweeps, ASweepReArmsForTheDeadlineItReportsAndStopsWhenNoneIsLeft) {
  next = {past, past};
  timer.arm(past);
  io.run();
  EXPECT_EQ(sweeps, 2);
  EXPECT_FALSE(timer.armed());
}

TEST_F(DeadlineTimerSweeps, ALaterDeadlineDoesNotMoveTheArmedOne) {
  timer.arm(past);
  auto armed = timer.armed();
  timer.arm(past + 10min);
  EXPECT_EQ(timer.armed(), armed);
  timer.arm(past - 10min);
  EXPECT_LT(*timer.armed(), *armed);
}

TEST_F(DeadlineTimerSweeps, DisarmLeavesNoWaitPending) {
  timer.arm(Clock::now() + 1h);
  timer.disarm();
  EXPECT_FALSE(timer.armed());
  io.run();  // returns at once: the cancelled wait completes, nothing else is pending
  EXPECT_EQ(sweeps, 0);
}

TEST_F(DeadlineTimerSweeps, NoSweepRunsAfterStop) {
  timer.arm(past);
  timer.stop();
  timer.arm(past);
  io.run();
  EXPECT_EQ(sweeps, 0);
}

}  // namespace
}  // namespace backend
