#include <sys/resource.h>

#include <limits>

#include "platform/descriptor_limit.hpp"

#ifdef __APPLE__
#include <sys/syslimits.h>
#endif

namespace backend::platform {

std::optional<std::size_t> raise_descriptor_limit() {
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) != 0) return std::nullopt;
  rlim_t target = files.rlim_max;
#ifdef __APPLE__
  // macOS refuses a soft limit above OPEN_MAX even when the hard limit is unlimited.
  if (target == RLIM_INFINITY || target > OPEN_MAX) target = OPEN_MAX;
#endif
  if (target != files.rlim_cur) {
    rlimit raised = files;
    raised.rlim_cur = target;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) files.rlim_cur = target;
  }
  if (files.rlim_cur == RLIM_INFINITY) return std::numeric_limits<std::size_t>::max();
  return static_cast<std::size_t>(files.rlim_cur);
}

}  // namespace backend::platform
