#pragma once
// What the router needs of one request. A session reuses one Request for every message on its connection, so
// the strings keep their capacity and the request path does not allocate once a connection has warmed up.
// <ostream> first: Beast's http/verb.hpp defines an inline operator<< on std::ostream yet includes only
// <iosfwd>, which libc++ (macOS) leaves incomplete.
#include <ostream>
// Beast after <ostream> (a separate include block, so that sorting keeps this order).
#include <boost/beast/http/verb.hpp>
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
  std::string last_event_id;  // an event stream resumes after it (WHATWG HTML §9.2.4)

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
    last_event_id.clear();
  }
};

}  // namespace backend
