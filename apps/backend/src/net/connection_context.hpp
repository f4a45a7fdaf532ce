#pragma once
// What every connection shares with the server: the router, the clocks, the log, and the registry of live
// connections the server walks to enforce deadlines and to drain on shutdown.
#include <chrono>
#include <cstddef>
#include <functional>
#include <list>

#include "http/date_cache.hpp"
#include "http/router.hpp"
#include "log/logger.hpp"

namespace backend {

class Session;

class SessionRegistry {
 public:
  using Handle = std::list<Session*>::iterator;

  Handle add(Session* session) { return sessions_.insert(sessions_.end(), session); }
  void remove(Handle handle) {
    sessions_.erase(handle);
    if (sessions_.empty() && on_empty_) on_empty_();
  }
  std::size_t size() const { return sessions_.size(); }
  // A visit may close its session; a session leaves the registry only in its destructor, which runs later
  // (from a completion handler), yet the iterator is advanced first so that a visit removing its own entry is
  // safe.
  template <typename Visit>
  void for_each(Visit visit) const {
    for (auto it = sessions_.begin(); it != sessions_.end();)
      visit(**it++);
  }
  void on_empty(std::function<void()> callback) { on_empty_ = std::move(callback); }

 private:
  std::list<Session*> sessions_;
  std::function<void()> on_empty_;
};

struct ConnectionContext {
  ConnectionContext(const Router& router_ref, Logger& log_ref) : router(router_ref), log(log_ref) {}

  const Router& router;
  Logger& log;
  DateCache date;
  SessionRegistry sessions;
  // Refreshed by the deadline sweep: deadlines are coarse by design, so sessions need no clock call of their
  // own.
  std::chrono::steady_clock::time_point coarse_now = std::chrono::steady_clock::now();
  bool draining = false;
};

}  // namespace backend
