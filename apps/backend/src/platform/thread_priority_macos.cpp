#include "platform/thread_priority.hpp"

#include <pthread/qos.h>

namespace backend::platform {

void lower_current_thread_priority() {
  pthread_set_qos_class_self_np(QOS_CLASS_UTILITY, 0);
}

}  // namespace backend::platform
