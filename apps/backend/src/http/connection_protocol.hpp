#pragma once
// HTTP/1 on one connection, without the socket: bytes in, response bytes out. The session owns the socket and
// the deadlines; this owns the parsing, the framing checks and the keep-alive rules. Being socket-free, it is
// what the fuzzer drives.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http/date_cache.hpp"
#include "http/http_error.hpp"
#include "http/pending_reply.hpp"
#include "http/request.hpp"
#include "http/request_parser.hpp"
#include "http/router.hpp"
#include "log/logger.hpp"

namespace backend {

class ConnectionProtocol {
 public:
  ConnectionProtocol(const Router& router, DateCache& date, Logger& log)
      : router_(router), date_(date), log_(log) {}

  // Parses and answers the complete requests in `input`, appending responses to `output` until it holds
  // `max_output` bytes. Returns how many input bytes were used; the rest must be offered again, with more.
  // `draining`: the server is shutting down, so every answer closes the connection.
  std::size_t process(std::string_view input, std::string& output, std::size_t max_output, bool draining);

  // The connection must close once `output` is written; no more input will be used.
  bool closing() const { return closing_; }
  // A request has begun but is not complete.
  bool in_message() const { return parser_.has_value(); }
  // The last response asked for an event stream: its header is in `output`, and no more input will be used.
  bool stream_started() const { return stream_started_; }
  // The stream's request: its HTTP version (10 or 11) and Last-Event-ID.
  const Request& stream_request() const { return request_; }
  // A handler will answer later: no input is used until it has, and `wake` runs (on the I/O thread) when it
  // does. The next process() writes the answer.
  bool awaiting() const { return pending_ && !pending_->ready; }
  void on_answer(std::function<void()> wake) {
    if (awaiting() && !pending_->wake) pending_->wake = std::move(wake);
  }
  // Counts the requests begun so far: a change tells the session to re-arm the read deadline.
  std::uint64_t messages_started() const { return messages_started_; }

 private:
  bool parse_one(std::string_view input, std::size_t& used, std::string& output, bool draining);
  void respond(std::string& output, bool draining);
  // `now_wall`: the clock read for the handler, so the Date header agrees with the document.
  void finish(const Response& response, std::string& output, bool draining,
              std::chrono::system_clock::time_point now_wall);
  void reject(HttpError error, std::string& output);

  const Router& router_;
  DateCache& date_;
  Logger& log_;
  Request request_;
  std::optional<RequestParser> parser_;
  std::shared_ptr<PendingReply> pending_;
  bool header_checked_ = false;
  bool closing_ = false;
  bool stream_started_ = false;
  std::uint64_t messages_started_ = 0;
  std::size_t requests_served_ = 0;
};

}  // namespace backend
