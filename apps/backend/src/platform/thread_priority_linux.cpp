#include "platform/thread_priority.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>

namespace backend::platform {

// On Linux a nice value belongs to a thread, not the process (setpriority(2), "BUGS"): naming this thread's
// id changes it alone.
void lower_current_thread_priority() {
  constexpr int kSteps = 5;
  auto tid = static_cast<id_t>(gettid());
  errno = 0;
  int nice = getpriority(PRIO_PROCESS, tid);
  if (nice == -1 && errno != 0) return;
  setpriority(PRIO_PROCESS, tid, nice + kSteps);
}

}  // namespace backend::platform
