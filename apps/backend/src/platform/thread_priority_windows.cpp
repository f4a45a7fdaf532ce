#include "platform/thread_priority.hpp"

#include <windows.h>

namespace backend::platform {

void lower_current_thread_priority() {
  SetThreadPriority(GetCurrentThread(), THREAD_PRIORITY_BELOW_NORMAL);
}

}  // namespace backend::platform
