#include "http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>

namespace backend::e2e {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

std::string request(std::uint16_t port, std::string_view method, std::string_view target,
                    std::string_view extra_headers, std::string_view version) {
  std::string out;
  out.append(method).append(" ").append(target).append(" ").append(version).append("\r\n");
  out.append("Host: 127.0.0.1:").append(std::to_string(port)).append("\r\n");
  out.append(extra_headers).append("\r\n");
  return out;
}

Connection::Connection(std::uint16_t port, std::string_view address) : socket_(io_) {
  boost::system::error_code ec;
  socket_.connect(tcp::endpoint(net::ip::make_address(std::string(address)), port), ec);
  connected_ = !ec;
}

void Connection::send(std::string_view bytes) {
  boost::system::error_code ignored;
  net::write(socket_, net::buffer(bytes.data(), bytes.size()), ignored);
}

template <typename Op>
bool Connection::run_with_deadline(Op op, std::chrono::milliseconds timeout) {
  bool done = false;
  op(done);
  io_.restart();
  io_.run_for(timeout);
  bool finished = done;
  if (!finished) {
    // The cancelled operation still completes (with operation_aborted); run it so no handler outlives this
    // call.
    boost::system::error_code ignored;
    socket_.cancel(ignored);
    io_.restart();
    io_.run();
  }
  return finished;
}

std::optional<HttpResponse> Connection::read(bool response_to_head, std::chrono::milliseconds timeout) {
  http::response_parser<http::string_body> parser;
  parser.skip(response_to_head);
  parser.body_limit(1 << 20);
  boost::system::error_code result;
  bool finished = run_with_deadline(
      [&](bool& done) {
        http::async_read(socket_, buffer_, parser, [&](const boost::system::error_code& ec, std::size_t) {
          result = ec;
          done = true;
        });
      },
      timeout);
  if (!finished || result) return std::nullopt;
  return parser.release();
}

bool Connection::read_until_closed(std::chrono::milliseconds timeout, std::string* sink) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    boost::system::error_code result;
    char scratch[4096];
    std::size_t got = 0;
    bool finished = run_with_deadline(
        [&](bool& done) {
          socket_.async_read_some(net::buffer(scratch),
                                  [&](const boost::system::error_code& ec, std::size_t n) {
                                    result = ec;
                                    got = n;
                                    done = true;
                                  });
        },
        left);
    if (sink != nullptr) sink->append(scratch, got);
    if (!finished) return false;
    if (result) return true;  // EOF or reset
  }
}

bool Connection::wait_closed(std::chrono::milliseconds timeout) {
  return read_until_closed(timeout, nullptr);
}

std::string Connection::read_all(std::chrono::milliseconds timeout) {
  std::string out(static_cast<const char*>(buffer_.data().data()), buffer_.size());
  buffer_.consume(buffer_.size());
  read_until_closed(timeout, &out);
  return out;
}

std::optional<HttpResponse> fetch(std::uint16_t port, std::string_view method, std::string_view target,
                                  std::string_view extra_headers) {
  Connection connection(port);
  if (!connection.connected()) return std::nullopt;
  connection.send(request(port, method, target, extra_headers));
  return connection.read(method == "HEAD");
}

}  // namespace backend::e2e
