#include "lifecycle/server.hpp"

#include <boost/asio/ip/address.hpp>
#include <cstdlib>

#include "app/app_info.hpp"
#include "app/exit_codes.hpp"
#include "app/route_table.hpp"
#include "events/store_events.hpp"
#include "http/limits.hpp"
#include "log/printable.hpp"
#include "net/admission.hpp"
#include "net/session.hpp"
#include "platform/descriptor_limit.hpp"
#include "platform/io_concurrency.hpp"

namespace backend {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

// How much of an unknown control line the warning shows.
constexpr std::size_t kMaxControlLineShown = 40;

}  // namespace

Server::Server(Config config, Logger& log)
    : io_(platform::kIoConcurrencyHint),
      config_(std::move(config)),
      log_(log),
      started_(std::chrono::steady_clock::now()),
      listener_(io_),
      drain_timer_(io_),
      stderr_wait_(io_),
      signals_(io_, [this](std::string_view name) { request_shutdown(name, Trigger::signal); }),
      stdin_(
          io_, [this](std::string_view bytes) { on_control_bytes(bytes); }, [this] { on_stdin_eof(); }),
      parent_(io_, [this] { request_shutdown("the parent process exited", Trigger::control); }) {}

Server::~Server() {
  log_.on_first_drop(nullptr);
}

std::optional<store::OpenError> Server::open_store() {
  store::OpenOptions options;
  options.dir = config_.data_dir;
  options.max_bytes = config_.store_max_bytes;
  auto opened = store::SettingsStore::open(io_, options, log_);
  if (auto* error = std::get_if<store::OpenError>(&opened)) return *error;
  store_ = std::move(std::get<std::unique_ptr<store::SettingsStore>>(opened));
  log_.debug("settings store: " + std::to_string(store_->entries().size()) + " entries, revision " +
             std::to_string(store_->revision()));
  return std::nullopt;
}

std::optional<std::string> Server::listen() {
  auto address = net::ip::make_address(config_.host);
  auto ec = listener_.open(tcp::endpoint(address, config_.port));
  if (ec) {
    auto where = address.is_v6() ? "[" + config_.host + "]" : config_.host;
    return "cannot listen on " + where + ":" + std::to_string(config_.port) + ": " + ec.message();
  }
  port_ = listener_.local_endpoint().port();
  api::Services services;
  services.openapi_document = &app::openapi_document;
  services.store = store_.get();
  router_.emplace(AccessPolicy(port_, config_.allowed_hosts, config_.allowed_origins, config_.token),
                  app::route_table(), app_info::kName, started_, services);
  auto descriptors = platform::raise_descriptor_limit();
  connections_.emplace(*router_, log_, io_.get_executor(),
                       connection_cap(descriptors, config_.max_connections));
  if (log_.enabled(LogLevel::debug)) {
    log_.debug("connection cap " + std::to_string(connections_->max_connections) +
               (descriptors ? " (descriptor limit " + std::to_string(*descriptors) + ")" : std::string()));
  }
  // Every committed change reaches the event streams the moment it is made; a resuming stream replays the
  // change log first.
  if (store_) events::connect_store(*store_, connections_->hub);
  connections_->sessions.on_empty([this] {
    if (shutting_down_) finish();
  });
  return std::nullopt;
}

std::string Server::url() const {
  auto address = net::ip::make_address(config_.host);
  auto host = address.is_v6() ? "[" + config_.host + "]" : config_.host;
  return "http://" + host + ":" + std::to_string(port_);
}

void Server::start() {
  // No periodic work: deadlines arm their own timer, and a dropped log line arms a wait on stderr.
  log_.on_first_drop([this] { report_dropped_log_lines(); });
  listener_.start(*connections_);
  if (auto why_not = stdin_.start()) log_.debug("no stdin control channel: " + *why_not);
  if (config_.parent_watch) {
    if (auto why_not = parent_.start()) log_.warn("parent watch is off: " + *why_not);
  }
}

int Server::run() {
  io_.run();
  return exit_code::kClean;
}

//------------------------------------------------------------------------------
// Control channels

void Server::on_control_bytes(std::string_view bytes) {
  control_lines_.feed(bytes, [this](std::string_view line, bool too_long) {
    if (too_long) {
      return log_.warn("ignoring a stdin control line longer than " +
                       std::to_string(limits::kMaxControlLineBytes) + " bytes");
    }
    switch (parse_control_line(line)) {
      case ControlCommand::shutdown:
        return request_shutdown("'shutdown' on stdin", Trigger::control);
      case ControlCommand::unknown:
        return log_.warn("ignoring unknown stdin control line \"" + printable(line, kMaxControlLineShown) +
                         "\" (known: shutdown)");
      case ControlCommand::none:
        return;
    }
  });
}

void Server::on_stdin_eof() {
  if (config_.exit_on_stdin_eof)
    return request_shutdown("stdin closed (BACKEND_EXIT_ON_STDIN_EOF=1)", Trigger::control);
  log_.debug("stdin closed; still serving (set BACKEND_EXIT_ON_STDIN_EOF=1 to stop on EOF)");
}

//------------------------------------------------------------------------------
// Dropped log lines: reported once stderr drains, by waiting on it only while a count is pending.

void Server::report_dropped_log_lines() {
  // After the last step a pending wait would keep the loop, and so the process, alive.
  if (finished_) return;
  stderr_wait_.async_wait([this] {
    log_.report_dropped();
    if (log_.dropped_lines() > 0 && !finished_) report_dropped_log_lines();
  });
}

//------------------------------------------------------------------------------
// Shutdown

void Server::request_shutdown(std::string_view reason, Trigger trigger) {
  if (shutting_down_) {
    if (trigger == Trigger::signal) {
      log_.warn("second shutdown signal (" + std::string(reason) + ") during the drain: exiting now");
      std::_Exit(exit_code::kForced);
    }
    return log_.info("shutdown already in progress; ignoring " + std::string(reason));
  }
  shutting_down_ = true;
  log_.info("shutdown: " + std::string(reason));

  listener_.stop();
  log_.info("shutdown: stopped accepting connections");
  stdin_.stop();
  parent_.stop();

  connections_->draining = true;
  std::size_t closed = 0;
  std::size_t in_flight = 0;
  connections_->sessions.for_each([&](Session& s) { s.drain() ? ++closed : ++in_flight; });
  log_.info("shutdown: closed " + std::to_string(closed) + " idle connection(s), draining " +
            std::to_string(in_flight) + " in flight (deadline " +
            std::to_string(config_.shutdown_timeout.count()) + " ms)");

  if (connections_->sessions.size() == 0) return finish();
  drain_timer_.expires_after(config_.shutdown_timeout);
  drain_timer_.async_wait([this](const error_code& ec) {
    if (ec || finished_) return;
    log_.warn("shutdown: drain deadline passed; closing " + std::to_string(connections_->sessions.size()) +
              " connection(s)");
    connections_->sessions.for_each([](Session& s) { s.force_close(); });
  });
}

// The io_context runs out of work once every timer and channel is cancelled and the last session is gone.
void Server::finish() {
  if (finished_) return;
  finished_ = true;
  drain_timer_.cancel();
  connections_->deadlines.stop();
  stderr_wait_.cancel();
  signals_.cancel();
  log_.info("shutdown: complete");
}

}  // namespace backend
