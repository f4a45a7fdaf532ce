#include "net/connection_context.hpp"

#include "http/limits.hpp"
#include "net/session.hpp"

namespace backend {

ConnectionContext::ConnectionContext(const Router& router_ref, Logger& log_ref,
                                     const boost::asio::any_io_executor& executor,
                                     std::size_t max_connections_value)
    : router(router_ref),
      log(log_ref),
      deadlines(executor, limits::kDeadlineResolution, [this](auto now) { return sweep(now); }),
      max_connections(max_connections_value) {}

std::optional<std::chrono::steady_clock::time_point> ConnectionContext::sweep(
    std::chrono::steady_clock::time_point now) {
  coarse_now = now;
  std::optional<std::chrono::steady_clock::time_point> earliest;
  sessions.for_each([&](Session& session) {
    if (auto next = session.check_deadline(now); next && (!earliest || *next < *earliest)) earliest = next;
  });
  return earliest;
}

}  // namespace backend
