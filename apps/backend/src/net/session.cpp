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
  ++context_.open_connections;
}

Session::~Session() {
  force_close();
  context_.sessions.remove(registry_handle_);
}

void Session::start() {
  context_.refresh_now();
  error_code ignored;
  // Small responses must leave at once, not wait for Nagle's algorithm to coalesce them.
  socket_.set_option(tcp::no_delay(true), ignored);
  enter(Phase::idle, limits::kKeepAliveIdleTimeout);
  read();
}

void Session::enter(Phase phase, std::chrono::steady_clock::duration timeout) {
  phase_ = phase;
  deadline_ = context_.coarse_now + timeout;
  context_.deadlines.arm(deadline_);
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
  context_.refresh_now();
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
  if (protocol_.stream_started()) return start_stream();
  // A handler answers later: the answer wakes this connection, and keeps it alive until then. (Tested first:
  // the callback costs an allocation, which most requests, answered at once, need not pay.)
  if (protocol_.awaiting()) protocol_.on_answer([self = shared_from_this()] { self->on_answer(); });
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
  if (phase_ != Phase::handling) return;
  // The answer comes from outside this connection's I/O: the deadlines armed next need a fresh clock.
  context_.refresh_now();
  process();
}

void Session::write() {
  enter(Phase::writing, limits::kWriteTimeout);
  net::async_write(socket_, net::buffer(output_),
                   [self = shared_from_this()](const error_code& ec, std::size_t) { self->on_write(ec); });
}

void Session::on_write(const error_code& ec) {
  if (phase_ == Phase::closed) return;
  if (ec) return force_close();
  context_.refresh_now();
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

std::optional<std::chrono::steady_clock::time_point> Session::check_deadline(
    std::chrono::steady_clock::time_point now) {
  if (phase_ == Phase::closed) return std::nullopt;
  if (now < deadline_) return deadline_;
  if (phase_ == Phase::streaming && !stream_->writing && !stream_->ending) {
    // Quiet for a heartbeat interval: a comment shows the client (and any proxy) the stream is alive.
    static const events::EventFramePtr ping = events::make_comment_frame("ping");
    deliver(ping);
    return phase_ == Phase::closed ? std::nullopt : std::optional(deadline_);
  }
  if (phase_ != Phase::idle && phase_ != Phase::lingering && context_.log.enabled(LogLevel::debug)) {
    context_.log.debug("closing a connection whose deadline passed");
  }
  force_close();
  return std::nullopt;
}

Session::Expendability Session::expendability() const {
  switch (phase_) {
    case Phase::idle:
      return protocol_.in_message() ? Expendability::reading : Expendability::idle;
    case Phase::lingering:
      return Expendability::lingering;
    case Phase::reading:
      return Expendability::reading;
    case Phase::handling:
    case Phase::writing:
    case Phase::streaming:
    case Phase::closed:
      return Expendability::never;
  }
  return Expendability::never;
}

bool Session::drain() {
  if (phase_ == Phase::streaming) {
    end_stream();
    return true;
  }
  if (phase_ == Phase::idle && !protocol_.in_message()) {
    force_close();
    return true;
  }
  return phase_ == Phase::closed;
}

void Session::force_close() {
  if (phase_ == Phase::closed) return;
  phase_ = Phase::closed;
  unsubscribe();
  // With no connection open, nothing is due: the server sleeps until the next event.
  if (--context_.open_connections == 0) context_.deadlines.disarm();
  error_code ignored;
  socket_.close(ignored);
}

//------------------------------------------------------------------------------
// Event stream: after its header the connection only receives published events. It is not subject to the
// request read deadline nor the idle timeout; its deadline is the heartbeat while quiet, the write timeout
// while writing, and the end timeout once shutdown has ended it.

Session::Stream::Stream() : queue(limits::kMaxStreamQueuedEvents, limits::kMaxStreamQueuedBytes) {}

void Session::start_stream() {
  const Request& request = protocol_.stream_request();
  stream_ = std::make_unique<Stream>();
  stream_->chunked = request.version != 10;
  // The retry delay and the replayed events follow the header in the first write. They were formatted for
  // this stream alone, so they are copied rather than queued, and the queue's bound is for live events.
  for (const auto& frame : context_.hub.opening_frames(request.last_event_id)) {
    output_ += stream_->chunked ? frame->chunked() : frame->payload();
    if (frame->id > stream_->last_id) stream_->last_id = frame->id;
  }
  stream_->handle = context_.hub.subscribe(*this);
  stream_->subscribed = true;
  phase_ = Phase::streaming;
  input_.clear();  // whatever was pipelined behind the stream's request is never answered
  stream_read();
  if (context_.draining) return end_stream();
  stream_write();
}

// The client sends nothing more that we use; reading only notices when it goes away.
void Session::stream_read() {
  input_.clear();
  socket_.async_read_some(input_.prepare(limits::kReadChunkBytes),
                          [self = shared_from_this()](const error_code& ec, std::size_t) {
                            if (self->phase_ == Phase::closed) return;
                            if (ec) return self->force_close();
                            self->stream_read();
                          });
}

void Session::deliver(const events::EventFramePtr& frame) {
  if (phase_ != Phase::streaming || stream_->ending) return;
  // Replayed already: the store's change may be published after the replay that included it.
  if (frame->id != 0 && frame->id <= stream_->last_id) return;
  if (!stream_->queue.push(frame)) {
    if (context_.log.enabled(LogLevel::debug))
      context_.log.debug("closing an event stream whose reader fell behind; it resumes with Last-Event-ID");
    return force_close();
  }
  if (frame->id != 0) stream_->last_id = frame->id;
  // Published outside this connection's own I/O, so the deadlines armed next need a fresh clock.
  context_.refresh_now();
  stream_write();
}

// One write at a time, gathering everything queued: an event is written the moment it is published.
void Session::stream_write() {
  auto& stream = *stream_;
  if (stream.writing) return;
  if (output_.empty() && stream.queue.empty()) {
    if (stream.ending) return force_close();
    return enter(Phase::streaming, limits::kStreamHeartbeatInterval);
  }
  stream.buffers.clear();
  if (!output_.empty()) stream.buffers.push_back(net::buffer(output_));
  for (const auto& frame : stream.queue.frames()) {
    auto bytes = stream.chunked ? frame->chunked() : frame->payload();
    if (!bytes.empty()) stream.buffers.push_back(net::buffer(bytes.data(), bytes.size()));
  }
  stream.in_flight = stream.queue.size();
  stream.writing = true;
  if (!stream.ending) enter(Phase::streaming, limits::kWriteTimeout);
  net::async_write(socket_, stream.buffers, [self = shared_from_this()](const error_code& ec, std::size_t) {
    self->on_stream_write(ec);
  });
}

void Session::on_stream_write(const error_code& ec) {
  if (phase_ == Phase::closed) return;
  if (ec) return force_close();
  context_.refresh_now();
  output_.clear();
  stream_->writing = false;
  stream_->queue.pop(stream_->in_flight);
  stream_->in_flight = 0;
  stream_write();
}

// Shutdown: the last chunk, a clean end of the body, then the close; a reader that does not take it within
// the end timeout is closed regardless.
void Session::end_stream() {
  if (!stream_ || stream_->ending || phase_ != Phase::streaming) return;
  unsubscribe();
  stream_->ending = true;
  if (stream_->chunked && !stream_->queue.push(events::end_of_stream_frame())) return force_close();
  enter(Phase::streaming, limits::kStreamEndTimeout);
  stream_write();
}

void Session::unsubscribe() {
  if (stream_ && stream_->subscribed) {
    stream_->subscribed = false;
    context_.hub.unsubscribe(stream_->handle);
  }
}

}  // namespace backend
