#include "net/session.hpp"

#include <boost/asio/write.hpp>

#include "http/limits.hpp"

namespace backend {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

// While the server drains, a closing connection waits only briefly for the client's FIN.
constexpr std::chrono::milliseconds kDrainLingerTimeout{500};

}  // namespace

Session::Session(tcp::socket socket, ConnectionContext& context)
    : socket_(std::move(socket)),
      context_(context),
      input_(limits::kReadBufferBytes),
      protocol_(context.router, context.date, context.log) {
  registry_handle_ = context_.sessions.add(this);
}

Session::~Session() {
  context_.sessions.remove(registry_handle_);
}

void Session::start() {
  error_code ignored;
  // Small responses must leave at once, not wait for Nagle's algorithm to coalesce them.
  socket_.set_option(tcp::no_delay(true), ignored);
  enter(Phase::idle, limits::kKeepAliveIdleTimeout);
  read();
}

void Session::enter(Phase phase, std::chrono::steady_clock::duration timeout) {
  phase_ = phase;
  deadline_ = context_.coarse_now + timeout;
}

//------------------------------------------------------------------------------
// Reading and parsing

void Session::read() {
  std::size_t room = limits::kReadBufferBytes - input_.size();
  // Unreachable while the parser's header limit is below the buffer's size; closing is the safe answer
  // regardless.
  if (room == 0) return force_close();
  socket_.async_read_some(
      input_.prepare(std::min(room, limits::kReadChunkBytes)),
      [self = shared_from_this()](const error_code& ec, std::size_t bytes) { self->on_read(ec, bytes); });
}

void Session::on_read(const error_code& ec, std::size_t bytes) {
  if (phase_ == Phase::closed) return;
  if (ec) {
    // EOF or reset: the client is gone, and a partial request dies with it.
    if (ec != net::error::eof && ec != net::error::operation_aborted &&
        context_.log.enabled(LogLevel::debug)) {
      context_.log.debug("connection read failed: " + ec.message());
    }
    return force_close();
  }
  input_.commit(bytes);
  process();
}

void Session::process() {
  auto started = protocol_.messages_started();
  auto data = input_.data();
  std::size_t used = protocol_.process({static_cast<const char*>(data.data()), data.size()}, output_,
                                       limits::kMaxPendingOutputBytes, context_.draining);
  input_.consume(used);
  // A handler answers later: the answer wakes this connection, and keeps it alive until then.
  protocol_.on_answer([self = shared_from_this()] { self->on_answer(); });
  // The read deadline is re-armed for every message: a client trickling bytes is cut off (slowloris).
  if (protocol_.in_message() && protocol_.messages_started() != started) {
    enter(Phase::reading, limits::kRequestReadTimeout);
  }
  after_output();
}

void Session::after_output() {
  if (!output_.empty()) return write();
  // No further request is read until the pending answer is written.
  if (protocol_.awaiting()) return enter(Phase::handling, limits::kHandlerTimeout);
  if (protocol_.closing() || (context_.draining && !protocol_.in_message())) return linger();
  if (!protocol_.in_message()) enter(Phase::idle, limits::kKeepAliveIdleTimeout);
  read();
}

// A write in progress picks the answer up when it completes (on_write processes again).
void Session::on_answer() {
  if (phase_ == Phase::handling) process();
}

void Session::write() {
  enter(Phase::writing, limits::kWriteTimeout);
  net::async_write(socket_, net::buffer(output_),
                   [self = shared_from_this()](const error_code& ec, std::size_t) { self->on_write(ec); });
}

void Session::on_write(const error_code& ec) {
  if (phase_ == Phase::closed) return;
  if (ec) return force_close();
  output_.clear();
  if (protocol_.closing()) return linger();
  if (protocol_.in_message()) enter(Phase::reading, limits::kRequestReadTimeout);
  // Pipelined requests may already wait in the buffer.
  process();
}

//------------------------------------------------------------------------------
// Closing

// RFC 9112 §9.6: close the sending side first and read what the client still sends, so the kernel does not
// answer unread input with a reset that could destroy our last response before the client reads it.
void Session::linger() {
  if (phase_ == Phase::lingering || phase_ == Phase::closed) return;
  // With no unread input, a plain close sends FIN, not a reset, so there is nothing to wait for (nginx's
  // lingering close makes the same choice); this saves a shutdown and several reads per Connection: close
  // request.
  error_code ec;
  if (input_.size() == 0 && socket_.available(ec) == 0 && !ec) return force_close();
  enter(Phase::lingering, context_.draining ? std::chrono::steady_clock::duration(kDrainLingerTimeout)
                                            : std::chrono::steady_clock::duration(limits::kLingerTimeout));
  error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
  discard_until_eof();
}

// The linger deadline is not re-armed here: a client that keeps sending cannot hold the connection open.
void Session::discard_until_eof() {
  input_.clear();
  socket_.async_read_some(input_.prepare(limits::kReadChunkBytes),
                          [self = shared_from_this()](const error_code& ec, std::size_t) {
                            if (ec || self->phase_ == Phase::closed) return self->force_close();
                            self->discard_until_eof();
                          });
}

void Session::check_deadline(std::chrono::steady_clock::time_point now) {
  if (phase_ == Phase::closed || now < deadline_) return;
  if (phase_ != Phase::idle && phase_ != Phase::lingering && context_.log.enabled(LogLevel::debug)) {
    context_.log.debug("closing a connection whose deadline passed");
  }
  force_close();
}

bool Session::drain() {
  if (phase_ == Phase::idle && !protocol_.in_message()) {
    force_close();
    return true;
  }
  return phase_ == Phase::closed;
}

void Session::force_close() {
  if (phase_ == Phase::closed) return;
  phase_ = Phase::closed;
  error_code ignored;
  socket_.close(ignored);
}

}  // namespace backend
