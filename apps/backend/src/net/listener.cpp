#include "net/listener.hpp"

#include <memory>

#include "http/limits.hpp"
#include "http/response.hpp"
#include "net/admission.hpp"
#include "net/session.hpp"
#include "platform/listen_socket.hpp"

namespace backend {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

// When the process is out of descriptors, accepting again at once would spin; wait a little instead.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

}  // namespace

Listener::Listener(net::io_context& io) : acceptor_(io), retry_timer_(io) {}

error_code Listener::open(const tcp::endpoint& endpoint) {
  error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) platform::configure_listen_socket(acceptor_, ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    error_code ignored;
    acceptor_.close(ignored);
  }
  return ec;
}

tcp::endpoint Listener::local_endpoint() const {
  error_code ignored;
  return acceptor_.local_endpoint(ignored);
}

void Listener::start(ConnectionContext& context) {
  context_ = &context;
  accept();
}

void Listener::stop() {
  stopped_ = true;
  error_code ignored;
  acceptor_.close(ignored);
  retry_timer_.cancel();
}

void Listener::accept() {
  acceptor_.async_accept(
      [this](const error_code& ec, tcp::socket socket) { on_accept(ec, std::move(socket)); });
}

void Listener::on_accept(const error_code& ec, tcp::socket socket) {
  if (stopped_) return;
  if (ec) {
    if (ec == net::error::operation_aborted) return;
    context_->log.warn("accept failed: " + ec.message() + "; retrying");
    retry_timer_.expires_after(kAcceptRetryDelay);
    retry_timer_.async_wait([this](const error_code& wait_ec) {
      if (!wait_ec && !stopped_) accept();
    });
    return;
  }
  if (context_->open_connections >= context_->max_connections) {
    // At the cap, the connection that matters least makes room (admission.hpp); its descriptor is free once
    // it is closed, even before its handlers have run.
    if (Session* victim = pick_admission_victim(context_->sessions)) {
      victim->force_close();
      if (context_->log.enabled(LogLevel::debug))
        context_->log.debug("connection limit reached: closed the least needed connection for a new one");
    } else {
      refuse(socket);
      return accept();
    }
  }
  std::make_shared<Session>(std::move(socket), *context_)->start();
  accept();
}

// One non-blocking write of a fixed answer: an overloaded server must not wait on the client it refuses.
void Listener::refuse(tcp::socket& socket) {
  Response response;
  set_error(response, HttpError::service_unavailable);
  std::string answer;
  serialize(response, {context_->date.get(std::chrono::system_clock::now()), 11, true}, answer);
  error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(net::buffer(answer), ignored);
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
  if (context_->log.enabled(LogLevel::debug))
    context_->log.debug("refused a connection: connection limit reached and every connection is busy");
}

}  // namespace backend
