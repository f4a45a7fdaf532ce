#pragma once
// One client connection: reads bytes, hands them to the connection's HTTP protocol, writes what it answers,
// and keeps the deadlines. Pipelined requests already in the buffer are answered in one write. A route may
// turn the connection into a server-sent event stream after its header: it then takes no more requests,
// receives what the EventHub publishes through a bounded queue, and sends a heartbeat when idle.
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "events/event_hub.hpp"
#include "events/event_queue.hpp"

#include "http/connection_protocol.hpp"
#include "net/connection_context.hpp"

namespace backend {

class Session : public std::enable_shared_from_this<Session>, public events::EventSink {
 public:
  Session(boost::asio::ip::tcp::socket socket, ConnectionContext& context);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start();
  // Called by the sweep: closes the connection if its deadline has passed; otherwise returns the deadline.
  std::optional<std::chrono::steady_clock::time_point> check_deadline(
      std::chrono::steady_clock::time_point now);

  // Admission at the cap: how little closing this connection would cost, cheapest first. A request in
  // flight is never closed to make room.
  enum class Expendability { idle, lingering, reading, never };
  Expendability expendability() const;
  // Within one class, the earliest deadline marks the longest idle or the oldest request.
  std::chrono::steady_clock::time_point deadline() const { return deadline_; }
  // Shutdown: an idle connection closes now; one with a request in flight finishes it first; an event stream
  // is ended at once (the last chunk, then the close), never waited for.
  bool drain();  // true when the connection is closed (or its stream ended) now
  void force_close();

  // EventSink: a published event, queued and written at once.
  void deliver(const events::EventFramePtr& frame) override;

 private:
  enum class Phase { idle, reading, handling, writing, lingering, streaming, closed };

  // What only an event stream needs, allocated when the connection becomes one.
  struct Stream {
    events::EventQueue queue;
    events::EventHub::Handle handle;
    bool subscribed = false;
    bool chunked = true;  // HTTP/1.1; HTTP/1.0 is close-delimited
    bool writing = false;
    bool ending = false;
    std::size_t in_flight = 0;  // frames at the queue's front being written
    std::uint64_t last_id = 0;  // events up to this id were sent (replayed), so a late publish is skipped
    std::vector<boost::asio::const_buffer> buffers;
    Stream();
  };

  void read();
  void on_read(const boost::system::error_code& ec, std::size_t bytes);
  void process();
  void on_answer();
  void write();
  void on_write(const boost::system::error_code& ec);
  void after_output();
  void linger();
  void discard_until_eof();
  void enter(Phase phase, std::chrono::steady_clock::duration timeout);

  void start_stream();
  void stream_read();
  void stream_write();
  void on_stream_write(const boost::system::error_code& ec);
  void end_stream();
  void unsubscribe();

  boost::asio::ip::tcp::socket socket_;
  ConnectionContext& context_;
  SessionRegistry::Handle registry_handle_;

  boost::beast::flat_buffer input_;
  std::string output_;
  ConnectionProtocol protocol_;

  Phase phase_ = Phase::idle;
  std::chrono::steady_clock::time_point deadline_;
  std::unique_ptr<Stream> stream_;
};

}  // namespace backend
