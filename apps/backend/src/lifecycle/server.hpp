#pragma once
// The server's life: listen, serve, and shut down as a sequence of named steps (stop accepting, close idle
// connections, drain in-flight ones within the deadline, exit). Every request to stop comes here, whether a
// signal, the stdin control line, the parent's death or stdin's EOF.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "http/router.hpp"
#include "lifecycle/control_lines.hpp"
#include "log/logger.hpp"
#include "net/connection_context.hpp"
#include "net/listener.hpp"
#include "platform/parent_watch.hpp"
#include "platform/shutdown_signals.hpp"
#include "platform/stdin_reader.hpp"
#include "store/settings_store.hpp"

namespace backend {

class Server {
 public:
  Server(Config config, Logger& log);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Opens the settings store in config.data_dir (before listen()): the routes get it through store().
  std::optional<store::OpenError> open_store();
  store::SettingsStore& store() { return *store_; }

  // Binds and listens. On failure, returns a message naming the address and the port.
  std::optional<std::string> listen();
  std::uint16_t port() const { return port_; }
  std::string url() const;

  // Starts serving and the control channels. Shutdown requests are honoured from construction on.
  void start();
  // Serves until shut down; returns the exit code.
  int run();

 private:
  enum class Trigger { signal, control };
  void request_shutdown(std::string_view reason, Trigger trigger);
  void on_control_bytes(std::string_view bytes);
  void on_stdin_eof();
  void sweep();
  void finish();

  // First member: destroyed last, after every I/O object that uses it.
  boost::asio::io_context io_;
  // Destroyed after everything that may hold a write's callback, once the loop has stopped: its destructor
  // finishes the queued writes and joins the writer thread.
  std::unique_ptr<store::SettingsStore> store_;
  Config config_;
  Logger& log_;
  std::chrono::steady_clock::time_point started_;

  Listener listener_;
  std::uint16_t port_ = 0;
  std::optional<Router> router_;
  std::optional<ConnectionContext> connections_;
  boost::asio::steady_timer sweep_timer_;
  boost::asio::steady_timer drain_timer_;

  platform::ShutdownSignals signals_;
  platform::StdinReader stdin_;
  ControlLineSplitter control_lines_;
  platform::ParentWatch parent_;

  bool shutting_down_ = false;
  bool finished_ = false;
};

}  // namespace backend
