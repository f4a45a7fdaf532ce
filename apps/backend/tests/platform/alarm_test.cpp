#include "platform/alarm.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace backend::platform {
namespace {

using namespace std::chrono_literals;
using Clock = Alarm::Clock;

TEST(Alarm, RingsOnceAtItsTime) {
  boost::asio::io_context io;
  int rings = 0;
  Clock::time_point rang;
  Alarm alarm(io.get_executor(), [&] {
    ++rings;
    rang = Clock::now();
  });
  auto when = Clock::now() + 50ms;
  alarm.set(when);
  io.run_for(2s);  // returns early once the alarm has rung and nothing is left to wait for
  EXPECT_EQ(rings, 1);
  EXPECT_GE(rang, when);
}

TEST(Alarm, UnsetLeavesNothingToWaitFor) {
  boost::asio::io_context io;
  int rings = 0;
  Alarm alarm(io.get_executor(), [&] { ++rings; });
  alarm.set(Clock::now() + 20ms);
  alarm.unset();
  auto started = Clock::now();
  io.run_for(2s);
  EXPECT_EQ(rings, 0);
  EXPECT_LT(Clock::now() - started, 1s) << "a wait was left outstanding";
}

TEST(Alarm, SettingAgainReplacesTheEarlierTime) {
  boost::asio::io_context io;
  int rings = 0;
  Clock::time_point rang;
  Alarm alarm(io.get_executor(), [&] {
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

TEST(Alarm, ATimeAlreadyPastRingsAtOnce) {
  boost::asio::io_context io;
  int rings = 0;
  Alarm alarm(io.get_executor(), [&] { ++rings; });
  alarm.set(Clock::now() - 1s);
  io.run_for(2s);
  EXPECT_EQ(rings, 1);
}

// Unset and set again before the cancelled wait has completed: the new setting still rings.
TEST(Alarm, SetRightAfterUnsetStillRings) {
  boost::asio::io_context io;
  int rings = 0;
  Alarm alarm(io.get_executor(), [&] { ++rings; });
  alarm.set(Clock::now() + 10ms);
  boost::asio::post(io, [&] {
    alarm.unset();
    alarm.set(Clock::now() + 30ms);
  });
  io.run_for(2s);
  EXPECT_EQ(rings, 1);
}

TEST(Alarm, DestroyedWhileSetNeverRings) {
  boost::asio::io_context io;
  int rings = 0;
  {
    Alarm alarm(io.get_executor(), [&] { ++rings; });
    alarm.set(Clock::now() + 10ms);
  }
  io.run_for(200ms);
  EXPECT_EQ(rings, 0);
}

}  // namespace
}  // namespace backend::platform
