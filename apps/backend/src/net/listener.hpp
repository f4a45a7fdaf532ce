#pragma once
// Accepts connections and hands each to a new Session. At the connection limit it makes room by closing the
// connection that matters least (admission.hpp), or, when every connection is busy, refuses at once.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "net/connection_context.hpp"

namespace backend {

class Listener {
 public:
  explicit Listener(boost::asio::io_context& io);

  // Opens, binds and listens. The error names what failed; the caller names the address.
  boost::system::error_code open(const boost::asio::ip::tcp::endpoint& endpoint);
  boost::asio::ip::tcp::endpoint local_endpoint() const;

  void start(ConnectionContext& context);
  void stop();

 private:
  void accept();
  void on_accept(const boost::system::error_code& ec, boost::asio::ip::tcp::socket socket);
  void refuse(boost::asio::ip::tcp::socket& socket);

  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  ConnectionContext* context_ = nullptr;
  bool stopped_ = false;
};

}  // namespace backend
