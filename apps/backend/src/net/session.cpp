#include "net/session.hpp"

#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>

#include "http/header_guard.hpp"
#include "http/limits.hpp"
#include "http/response.hpp"

namespace backend {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

// While the server drains, a closing connection waits only briefly for the client's FIN.
constexpr std::chrono::milliseconds kDrainLingerTimeout{500};

}  // namespace

Session::Session(tcp::socket socket, ConnectionContext& context)
    : socket_(std::move(socket)), context_(context), input_(limits::kReadBufferBytes) {
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
  if (room == 0)
    return reject(HttpError::header_fields_too_large);
  socket_.async_read_some(
      input_.prepare(std::min(room, limits::kReadChunkBytes)),
      [self = shared_from_this()](const error_code& ec, std::size_t bytes) { self->on_read(ec, bytes); });
}

void Session::on_read(const error_code& ec, std::size_t bytes) {
  if (phase_ == Phase::closed)
    return;
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
  while (!close_after_write_ && output_.size() < limits::kMaxPendingOutputBytes && input_.size() > 0) {
    if (!parse_one())
      break;
  }
  after_output();
}

// Feeds the buffered bytes to the parser once. Returns false when it needs more bytes or the connection must
// close.
bool Session::parse_one() {
  if (!parser_) {
    request_.clear();
    parser_.emplace(request_);
    header_checked_ = false;
    // The read deadline is re-armed for every message: a client trickling bytes is cut off (slowloris).
    enter(Phase::reading, limits::kRequestReadTimeout);
  }
  error_code ec;
  auto data = input_.data();
  std::size_t used = parser_->put(data, ec);
  if (!ec && !header_checked_ && parser_->is_header_done()) {
    header_checked_ = true;
    if (auto error = check_header_block({static_cast<const char*>(data.data()), used})) {
      reject(*error);
      return false;
    }
  }
  input_.consume(used);
  if (ec == http::error::need_more)
    return false;
  if (ec) {
    reject(parser_->error_for(ec));
    return false;
  }
  if (parser_->is_done()) {
    respond();
    return true;
  }
  return used > 0;
}

//------------------------------------------------------------------------------
// Responding

void Session::respond() {
  auto now_wall = std::chrono::system_clock::now();
  Response response;
  context_.router.handle(request_, response, now_wall, std::chrono::steady_clock::now());
  ++requests_served_;
  bool close = response.close || !request_.keep_alive || context_.draining ||
               requests_served_ >= limits::kMaxRequestsPerConnection;
  serialize(response, {context_.date.get(now_wall), request_.version, close}, output_);
  close_after_write_ = close;
  if (context_.log.enabled(LogLevel::debug)) {
    // The header guard has refused control bytes, so the target is safe to print; headers are never logged.
    context_.log.debug(std::string(http::to_string(request_.method)) + " " + request_.target + " -> " +
                       std::to_string(response.status));
  }
  parser_.reset();
}

void Session::reject(HttpError error) {
  const auto& e = info(error);
  Response response;
  response.status = e.status;
  response.body = e.body;
  serialize(response, {context_.date.get(std::chrono::system_clock::now()), request_.version, true}, output_);
  close_after_write_ = true;
  parser_.reset();
  if (context_.log.enabled(LogLevel::debug)) {
    context_.log.debug("rejected a request: " + std::to_string(e.status) + " " + std::string(e.code));
  }
}

void Session::after_output() {
  if (!output_.empty())
    return write();
  if (close_after_write_ || (context_.draining && !parser_))
    return linger();
  if (!parser_)
    enter(Phase::idle, limits::kKeepAliveIdleTimeout);
  read();
}

void Session::write() {
  enter(Phase::writing, limits::kWriteTimeout);
  net::async_write(socket_, net::buffer(output_),
                   [self = shared_from_this()](const error_code& ec, std::size_t) { self->on_write(ec); });
}

void Session::on_write(const error_code& ec) {
  if (phase_ == Phase::closed)
    return;
  if (ec)
    return force_close();
  output_.clear();
  if (close_after_write_)
    return linger();
  if (parser_)
    enter(Phase::reading, limits::kRequestReadTimeout);
  // Pipelined requests may already wait in the buffer.
  process();
}

//------------------------------------------------------------------------------
// Closing

// RFC 9112 §9.6: close the sending side first and read what the client still sends, so the kernel does not
// answer unread input with a reset that could destroy our last response before the client reads it.
void Session::linger() {
  if (phase_ == Phase::lingering || phase_ == Phase::closed)
    return;
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
                            if (ec || self->phase_ == Phase::closed)
                              return self->force_close();
                            self->discard_until_eof();
                          });
}

void Session::check_deadline(std::chrono::steady_clock::time_point now) {
  if (phase_ == Phase::closed || now < deadline_)
    return;
  if (phase_ != Phase::idle && phase_ != Phase::lingering && context_.log.enabled(LogLevel::debug)) {
    context_.log.debug("closing a connection whose deadline passed");
  }
  force_close();
}

bool Session::drain() {
  if (phase_ == Phase::idle && !parser_) {
    force_close();
    return true;
  }
  return phase_ == Phase::closed;
}

void Session::force_close() {
  if (phase_ == Phase::closed)
    return;
  phase_ = Phase::closed;
  error_code ignored;
  socket_.close(ignored);
}

}  // namespace backend
