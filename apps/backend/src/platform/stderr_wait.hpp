#pragma once
// Waits, without polling, until stderr may take a log line again, so that the count of dropped log lines is
// reported as soon as the host reads stderr again, with no periodic wakeup while nothing was dropped.
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>

namespace backend::platform {

class StderrWait {
 public:
  explicit StderrWait(boost::asio::io_context& io);
  ~StderrWait();
  StderrWait(const StderrWait&) = delete;
  StderrWait& operator=(const StderrWait&) = delete;

  // Calls `ready` once on the io_context when stderr may be writable again. POSIX: when the stderr pipe is
  // writable (a bounded retry where it cannot be waited on, and never more often than a retry period, so
  // that a stderr that stays unwritable although it polls ready cannot spin the loop); Windows: after a
  // retry period, as the sink's own thread drains its queue. A wait already pending is replaced.
  void async_wait(std::function<void()> ready);
  void cancel();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace backend::platform
