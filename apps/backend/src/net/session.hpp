#pragma once
// One client connection: reads bytes, hands them to the connection's HTTP protocol, writes what it answers,
// and keeps the deadlines. Pipelined requests already in the buffer are answered in one write.
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "http/connection_protocol.hpp"
#include "net/connection_context.hpp"

namespace backend {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket socket, ConnectionContext& context);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start();
  // Called by the sweep: closes the connection if its deadline has passed.
  void check_deadline(std::chrono::steady_clock::time_point now);
  // Shutdown: an idle connection closes now; one with a request in flight finishes it first.
  bool drain();  // true when the connection is closed now
  void force_close();

 private:
  enum class Phase { idle, reading, handling, writing, lingering, closed };

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

  boost::asio::ip::tcp::socket socket_;
  ConnectionContext& context_;
  SessionRegistry::Handle registry_handle_;

  boost::beast::flat_buffer input_;
  std::string output_;
  ConnectionProtocol protocol_;

  Phase phase_ = Phase::idle;
  std::chrono::steady_clock::time_point deadline_;
};

}  // namespace backend
