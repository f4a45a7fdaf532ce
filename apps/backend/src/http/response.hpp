#pragma once
// A response as the router describes it, and its serialization straight into the session's output buffer.
#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "http/http_error.hpp"

namespace backend {

struct Response {
  unsigned status = 200;
  std::string_view body;   // static data, or `scratch` for a generated document
  std::string owned_body;  // a body built for this answer, used when body_is_owned
  bool body_is_owned = false;
  std::string_view content_type = "application/json";
  std::string headers;           // extra header lines, each "Name: value\r\n" (ETag)
  std::string_view allow;        // non-empty: an Allow header (405 and OPTIONS)
  std::string_view cors_origin;  // non-empty: the allowed Origin, echoed back with Vary: Origin
  bool cors_preflight = false;   // adds the Access-Control-Allow-Methods/-Headers/-Max-Age answers
  bool www_authenticate = false;
  bool omit_body = false;  // HEAD: the same headers, no body (RFC 9110 §9.3.2)
  bool close = false;      // the router asks to close the connection after this response

  std::string_view payload() const { return body_is_owned ? std::string_view(owned_body) : body; }

  // Room for documents built per request (the health document), so building one allocates nothing.
  std::array<char, 256> scratch{};
};

struct SerializeOptions {
  std::string_view date;  // IMF-fixdate, RFC 9110 §5.6.7
  unsigned request_version = 11;
  bool close = false;
};

// The fixed answer to an error (http_error.hpp), asking to close the connection when the error leaves it out
// of sync.
void set_error(Response& response, HttpError error);

void serialize(const Response& response, const SerializeOptions& options, std::string& out);

}  // namespace backend
