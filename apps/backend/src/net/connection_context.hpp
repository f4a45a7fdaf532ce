#pragma once
// What every connection shares with the server: the router, the clocks, the log, the registry of live
// connections (walked to enforce deadlines, to pick a connection to close at the cap, and to drain on
// shutdown), the one timer that enforces every deadline, and the hub of live event streams.
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <list>

#include "events/event_hub.hpp"
#include "http/date_cache.hpp"
#include "http/router.hpp"
#include "log/logger.hpp"
#include "net/deadline_timer.hpp"

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
  ConnectionContext(const Router& router_ref, Logger& log_ref, const boost::asio::any_io_executor& executor,
                    std::size_t max_connections_value);

  // Reads the clock once per I/O event; every deadline armed while handling that event counts from it.
  void refresh_now() { coarse_now = std::chrono::steady_clock::now(); }
  // Closes every connection whose deadline has passed and returns the earliest deadline left.
  std::optional<std::chrono::steady_clock::time_point> sweep(std::chrono::steady_clock::time_point now);

  const Router& router;
  Logger& log;
  DateCache date;
  SessionRegistry sessions;
  DeadlineTimer deadlines;
  events::EventHub hub;
  std::chrono::steady_clock::time_point coarse_now = std::chrono::steady_clock::now();
  // Connections whose socket is still open: a closed one may wait a moment for its handlers to finish, but
  // its descriptor is already free.
  std::size_t open_connections = 0;
  std::size_t max_connections;
  bool draining = false;
};

}  // namespace backend
