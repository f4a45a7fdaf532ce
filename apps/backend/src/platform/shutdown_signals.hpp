#pragma once
// The operating system's requests to stop: SIGINT and SIGTERM on POSIX; CTRL_C, CTRL_BREAK and CTRL_CLOSE on
// Windows. Installed at construction, before the port line is written, so no request is ever missed.
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string_view>

namespace backend::platform {

class ShutdownSignals {
 public:
  // `on_signal` runs on the io_context, once per signal, with a name such as "SIGTERM".
  ShutdownSignals(boost::asio::io_context& io, std::function<void(std::string_view name)> on_signal);
  ~ShutdownSignals();
  ShutdownSignals(const ShutdownSignals&) = delete;
  ShutdownSignals& operator=(const ShutdownSignals&) = delete;

  // Stops waiting, so the io_context can run out of work. Later signals still reach the process's handler.
  void cancel();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace backend::platform
