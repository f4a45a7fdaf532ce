#pragma once
// Wakes the I/O thread from another thread (the settings store's writer) without Asio's locks: on POSIX the
// io_context runs with BOOST_ASIO_CONCURRENCY_HINT_UNSAFE (io_concurrency.hpp), so no other thread may post
// to it. POSIX: the other thread writes a byte to a pipe, which the I/O thread reads through a
// stream_descriptor. Windows: the io_context keeps its locks, so the other thread posts.
//
// Idle costs nothing: a wait is outstanding only between arm() and the next wake, so an io_context with
// nothing else to do still runs out of work, and no timer or poll ever fires.
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace backend::platform {

class ThreadWakeup {
 public:
  // `on_wake` runs on the I/O thread, at least once after each notify() that follows an arm(); it may run
  // when nothing was notified (the caller checks its own queue).
  ThreadWakeup(boost::asio::io_context& io, std::function<void()> on_wake);
  // Destroy it once no thread can call notify() any more.
  ~ThreadWakeup();
  ThreadWakeup(const ThreadWakeup&) = delete;
  ThreadWakeup& operator=(const ThreadWakeup&) = delete;

  // I/O thread, once: returns why it cannot work (e.g. no file descriptors left).
  std::optional<std::string> open();
  // I/O thread: waits for the next notify(), keeping the io_context running until it comes. Idempotent.
  void arm();
  // Any thread, never blocks.
  void notify();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace backend::platform
