#include "http/connection_protocol.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>

#include "http/header_guard.hpp"
#include "http/limits.hpp"
#include "http/response.hpp"

namespace backend {

namespace http = boost::beast::http;

std::size_t ConnectionProtocol::process(std::string_view input, std::string& output, std::size_t max_output,
                                        bool draining) {
  if (pending_ && pending_->ready) {
    finish(pending_->response, output, draining, std::chrono::system_clock::now());
    pending_.reset();
  }
  std::size_t used = 0;
  while (!closing_ && !stream_started_ && !pending_ && output.size() < max_output && used < input.size()) {
    if (!parse_one(input.substr(used), used, output, draining)) break;
  }
  return used;
}

// Feeds the input to the parser once. Returns false when it needs more bytes or the connection must close.
bool ConnectionProtocol::parse_one(std::string_view input, std::size_t& used, std::string& output,
                                   bool draining) {
  if (!parser_) {
    request_.clear();
    parser_.emplace(request_);
    header_checked_ = false;
    ++messages_started_;
  }
  boost::system::error_code ec;
  std::size_t n = parser_->put(boost::asio::buffer(input.data(), input.size()), ec);
  if (ec && ec != http::error::need_more) {
    reject(parser_->error_for(ec, input), output);
    return false;
  }
  if (!ec && !header_checked_ && parser_->is_header_done()) {
    header_checked_ = true;
    if (auto error = check_header_block(input.substr(0, n))) {
      reject(*error, output);
      return false;
    }
    // The route decides how much body it takes. A larger body is not read at all: the answer refuses it
    // and the connection closes, since the unread bytes leave it out of sync.
    // Most requests have no body, and need no second look at their route.
    if (request_.content_length > 0) {
      auto allowance = router_.body_allowance(request_);
      if (request_.content_length > allowance) {
        used += n;
        request_.body_unread = true;
        respond(output, draining);
        return false;
      }
      parser_->body_limit(allowance);
      request_.body.reserve(static_cast<std::size_t>(request_.content_length));
    }
  }
  used += n;
  if (ec) return false;  // need_more
  if (parser_->is_done()) {
    respond(output, draining);
    return true;
  }
  return n > 0;
}

void ConnectionProtocol::respond(std::string& output, bool draining) {
  Response response;
  auto now_wall = std::chrono::system_clock::now();
  router_.handle(request_, response, now_wall, std::chrono::steady_clock::now(), &pending_);
  if (!pending_) return finish(response, output, draining, now_wall);
  if (pending_->ready) {
    finish(pending_->response, output, draining, now_wall);
    pending_.reset();
  }
}

void ConnectionProtocol::finish(const Response& response, std::string& output, bool draining,
                                std::chrono::system_clock::time_point now_wall) {
  ++requests_served_;
  if (response.stream && !response.omit_body && response.status == 200) {
    // The connection now belongs to the stream; the request stays readable for the session. An HTTP/1.0
    // stream is delimited by the close, so its header says so.
    stream_started_ = true;
    serialize(response, {date_.get(now_wall), request_.version, request_.version == 10}, output);
    if (log_.enabled(LogLevel::debug)) log_.debug("GET " + request_.target + " -> 200 (event stream)");
    parser_.reset();
    return;
  }
  closing_ = response.close || request_.body_unread || !request_.keep_alive || draining ||
             requests_served_ >= limits::kMaxRequestsPerConnection;
  serialize(response, {date_.get(now_wall), request_.version, closing_}, output);
  if (log_.enabled(LogLevel::debug)) {
    // The header guard has refused control bytes, so the target is safe to print; headers are never logged.
    log_.debug(std::string(http::to_string(request_.method)) + " " + request_.target + " -> " +
               std::to_string(response.status));
  }
  parser_.reset();
}

void ConnectionProtocol::reject(HttpError error, std::string& output) {
  Response response;
  set_error(response, error);
  serialize(response, {date_.get(std::chrono::system_clock::now()), request_.version, true}, output);
  closing_ = true;
  parser_.reset();
  if (log_.enabled(LogLevel::debug)) {
    log_.debug("rejected a request: " + std::to_string(response.status) + " " +
               std::string(info(error).code));
  }
}

}  // namespace backend
