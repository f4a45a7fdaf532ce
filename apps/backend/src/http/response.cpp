#include "http/response.hpp"

#include <charconv>

#include "http/http_error.hpp"

namespace backend {
namespace {

constexpr std::string_view kJson = "application/json";

void append_number(std::string& out, std::size_t value) {
  std::array<char, 24> digits{};
  auto end = std::to_chars(digits.data(), digits.data() + digits.size(), value).ptr;
  out.append(digits.data(), static_cast<std::size_t>(end - digits.data()));
}

}  // namespace

void set_error(Response& response, HttpError error) {
  const auto& e = info(error);
  response.status = e.status;
  response.body = e.body;
  response.body_is_owned = false;
  response.close = closes_connection(error);
}

void serialize(const Response& response, const SerializeOptions& options, std::string& out) {
  out += "HTTP/1.1 ";
  append_number(out, response.status);
  out += ' ';
  out += reason_phrase(response.status);
  out += "\r\nDate: ";
  out += options.date;
  auto body = response.payload();
  if (response.stream) {
    // HTTP/1.0 has no chunked coding: the stream ends when the connection closes (options.close).
    out += "\r\nContent-Type: text/event-stream";
    if (options.request_version != 10) out += "\r\nTransfer-Encoding: chunked";
  } else if (response.status != 204) {
    // Most answers are JSON: their header line is one append.
    if (response.content_type == kJson) {
      out += "\r\nContent-Type: application/json\r\nContent-Length: ";
    } else {
      out += "\r\nContent-Type: ";
      out += response.content_type;
      out += "\r\nContent-Length: ";
    }
    append_number(out, body.size());
  }
  out += "\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff";
  if (!response.allow.empty()) {
    out += "\r\nAllow: ";
    out += response.allow;
  }
  if (response.www_authenticate) out += "\r\nWWW-Authenticate: Bearer";
  if (!response.cors_origin.empty()) {
    out += "\r\nAccess-Control-Allow-Origin: ";
    out += response.cors_origin;
    out += "\r\nVary: Origin";
    // A page may read the revision a write answers with (If-Match on the next one).
    if (!response.headers.empty()) out += "\r\nAccess-Control-Expose-Headers: ETag";
    if (response.cors_preflight) {
      out += "\r\nAccess-Control-Allow-Methods: ";
      out += response.allow;
      out +=
          "\r\nAccess-Control-Allow-Headers: Authorization, Content-Type, If-Match, If-None-Match, "
          "Last-Event-ID\r\nAccess-Control-Max-Age: 600";
    }
  }
  // RFC 9112 §9.3: an HTTP/1.0 client keeps the connection only when told so; an HTTP/1.1 one unless told not
  // to.
  if (options.close) {
    out += "\r\nConnection: close";
  } else if (options.request_version == 10) {
    out += "\r\nConnection: keep-alive";
  }
  if (response.headers.empty()) {
    out += "\r\n\r\n";
  } else {
    out += "\r\n";
    out += response.headers;
    out += "\r\n";
  }
  if (!response.omit_body) out += body;
}

}  // namespace backend
