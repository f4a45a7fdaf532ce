#pragma once
// A test client over a real loopback socket: sends raw bytes, parses responses with Beast, and every wait has
// a deadline so a misbehaving server fails a test instead of hanging it.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <optional>
#include <string>

namespace backend::e2e {

using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

// "GET /health HTTP/1.1" with a Host that the backend accepts, plus any extra header lines ("Name:
// value\r\n").
std::string request(std::uint16_t port, std::string_view method, std::string_view target,
                    std::string_view extra_headers = "", std::string_view version = "HTTP/1.1");

class Connection {
 public:
  explicit Connection(std::uint16_t port, std::string_view address = "127.0.0.1");

  bool connected() const { return connected_; }
  void send(std::string_view bytes);
  // One response; nullopt if the connection closed or nothing came in time.
  std::optional<HttpResponse> read(bool response_to_head = false,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // True if the server closed the connection (EOF or reset) within the timeout.
  bool wait_closed(std::chrono::milliseconds timeout);
  // Everything until the server closes, or the timeout.
  std::string read_all(std::chrono::milliseconds timeout);

 private:
  template <typename Op>
  bool run_with_deadline(Op op, std::chrono::milliseconds timeout);
  // Reads until the server closes (true) or the timeout passes (false), keeping the bytes in `sink` if given.
  bool read_until_closed(std::chrono::milliseconds timeout, std::string* sink);

  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
  bool connected_ = false;
};

// One request on a fresh connection.
std::optional<HttpResponse> fetch(std::uint16_t port, std::string_view method, std::string_view target,
                                  std::string_view extra_headers = "");

}  // namespace backend::e2e
