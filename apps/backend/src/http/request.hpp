#pragma once
// What the router needs of one request. A session reuses one Request for every message on its connection, so
// the strings keep their capacity and the request path does not allocate once a connection has warmed up.
// <ostream> first: Beast's http/verb.hpp defines an inline operator<< on std::ostream yet includes only
// <iosfwd>, which libc++ (macOS) leaves incomplete.
#include <ostream>
// Beast after <ostream> (a separate include block, so that sorting keeps this order).
#include <boost/beast/http/verb.hpp>
#include <cstdint>
#include <string>

namespace backend {

struct Request {
  boost::beast::http::verb method = boost::beast::http::verb::unknown;
  std::string target;
  unsigned version = 11;  // 10 or 11
  bool keep_alive = true;

  std::string host;
  unsigned host_count = 0;
  std::string origin;
  unsigned origin_count = 0;
  std::string authorization;
  unsigned authorization_count = 0;
  std::string access_control_request_method;
  std::string content_type;
  std::string if_match;
  std::string if_none_match;
  std::string last_event_id;

  std::uint64_t content_length = 0;
  std::string body;          // read only up to the route's allowance
  bool body_unread = false;  // the body was refused before it was read: the connection must close

  void clear() {
    method = boost::beast::http::verb::unknown;
    target.clear();
    version = 11;
    keep_alive = true;
    host.clear();
    host_count = 0;
    origin.clear();
    origin_count = 0;
    authorization.clear();
    authorization_count = 0;
    access_control_request_method.clear();
    content_type.clear();
    if_match.clear();
    if_none_match.clear();
    last_event_id.clear();
    content_length = 0;
    body_unread = false;
    // A large body's buffer is not kept for the life of the connection.
    if (body.capacity() > kKeptBodyCapacityBytes) {
      std::string().swap(body);
    } else {
      body.clear();
    }
  }

  static constexpr std::size_t kKeptBodyCapacityBytes = 16 * 1024;
};

}  // namespace backend
