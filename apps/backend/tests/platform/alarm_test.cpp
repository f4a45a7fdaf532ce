#include "platform/alarm.hpp"
#include "platform/steady_timer_alarm.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace backend::platform {
namespace {

using namespace std::chrono_literals;
using Clock = Alarm::Clock;

// The timerfd alarm on Linux (Asio's timer elsewhere), and Asio's timer everywhere: the Linux fallback, and
// what macOS and Windows use, tested here too.
template <typename T>
class AlarmTest : public ::testing::Test {};
using Alarms = ::testing::Types<Alarm, SteadyTimerAlarm>;
TYPED_TEST_SUITE(AlarmTest, Alarms);

TYPED_TEST(AlarmTest, RingsOnceAtItsTime) {
  boost::asio::io_context io;
  int rings = 0;
  Clock::time_point rang;
  TypeParam alarm(io.get_executor(), [&] {
    ++rings;
    rang = Clock::now();
  });
  auto when = Clock::now() + 50ms;
  alarm.set(when);
  io.run_for(2s);  // returns early once the alarm has rung and nothing is left to wait for
  EXPECT_EQ(rings, 1);
  EXPECT_GE(rang, when);
}

TYPED_TEST(AlarmTest, UnsetLeavesNothingToWaitFor) {
  boost::asio::io_context io;
  int rings = 0;
  TypeParam alarm(io.get_executor(), [&] { ++rings; });
  alarm.set(Clock::now() + 20ms);
  alarm.unset();
  auto started = Clock::now();
  io.run_for(2s);
  EXPECT_EQ(rings, 0);
  EXPECT_LT(Clock::now() - started, 1s) << "a wait was left outstanding";
}

TYPED_TEST(AlarmTest, SettingAgainReplacesTheEarlierTime) {
  boost::asio::io_context io;
  int rings = 0;
  Clock::time_point rang;
  TypeParam alarm(io.get_executor(), [&] {
    ++rings;
    rang = Clock::now();
  });
  alarm.set(Clock::now() + 20ms);
  auto later = Clock::now() + 150ms;
  alarm.set(later);
  io.run_for(2s);
  EXPECT_EQ(rings, 1);
  EXPECT_GE(rang, later);
}

TYPED_TEST(AlarmTest, ATimeAlreadyPastRingsAtOnce) {
  boost::asio::io_context io;
  int rings = 0;
  TypeParam alarm(io.get_executor(), [&] { ++rings; });
  alarm.set(Clock::now() - 1s);
  io.run_for(2s);
  EXPECT_EQ(rings, 1);
}

// Unset and set again before the cancelled wait has completed: the new setting still rings.
TYPED_TEST(AlarmTest, SetRightAfterUnsetStillRings) {
  boost::asio::io_context io;
  int rings = 0;
  TypeParam alarm(io.get_executor(), [&] { ++rings; });
  alarm.set(Clock::now() + 10ms);
  boost::asio::post(io, [&] {
    alarm.unset();
    alarm.set(Clock::now() + 30ms);
  });
  io.run_for(2s);
  EXPECT_EQ(rings, 1);
}

TYPED_TEST(AlarmTest, DestroyedWhileSetNeverRings) {
  boost::asio::io_context io;
  int rings = 0;
  {
    TypeParam alarm(io.get_executor(), [&] { ++rings; });
    alarm.set(Clock::now() + 10ms);
  }
  io.run_for(200ms);
  EXPECT_EQ(rings, 0);
}

}  // namespace
}  // namespace backend::platform
