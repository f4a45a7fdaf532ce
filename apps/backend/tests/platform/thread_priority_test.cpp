#include "platform/thread_priority.hpp"

#include <gtest/gtest.h>

#include <thread>

#ifdef _WIN32
#include <windows.h>
#else
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace backend::platform {
namespace {

// The thread's own scheduling priority, in the OS's terms: larger is more favoured.
int current_thread_priority() {
#if defined(_WIN32)
  return GetThreadPriority(GetCurrentThread());
#elif defined(__linux__)
  return -getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
#else
  return 0;
#endif
}

TEST(ThreadPriority, LowersTheCallingThreadAndNoOther) {
#if !defined(_WIN32) && !defined(__linux__)
  GTEST_SKIP() << "the QoS class is not read back here";
#endif
  int main_before = current_thread_priority();
  int before = 0;
  int after = 0;
  std::thread background([&] {
    before = current_thread_priority();
    lower_current_thread_priority();
    after = current_thread_priority();
  });
  background.join();
  EXPECT_LT(after, before);
  EXPECT_EQ(current_thread_priority(), main_before);
}

}  // namespace
}  // namespace backend::platform
