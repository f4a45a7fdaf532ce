#include "http/request_parser.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <cctype>

#include "http/limits.hpp"

namespace backend {

namespace http = boost::beast::http;

RequestParser::RequestParser(Request& request) : request_(request) {
  header_limit(static_cast<std::uint32_t>(limits::kMaxHeaderBytes));
  // The route decides how much body it takes once the header is known (Router::body_allowance); until then,
  // no body byte is read.
  body_limit(boost::none);
  // The session checks the raw header block between the header and the body, so stop after the header.
  eager(false);
}

void RequestParser::reject(HttpError error, error_code& ec) {
  rejection_ = error;
  ec = http::error::bad_value;
}

namespace {

bool is_decimal_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

HttpError RequestParser::error_for(const error_code& ec, std::string_view received) const {
  if (rejection_) return *rejection_;
  // Beast reports a well-formed but unsupported version ("HTTP/2.0") and a malformed one alike; RFC 9110
  // §15.6.6 gives the first a 505 of its own.
  if (ec == http::error::bad_version) {
    auto line = received.substr(0, received.find('\r'));
    auto at = line.rfind(" HTTP/");
    bool well_formed = at != std::string_view::npos && line.size() == at + 9 &&
                       is_decimal_digit(line[at + 6]) && line[at + 7] == '.' &&
                       is_decimal_digit(line[at + 8]);
    return well_formed ? HttpError::http_version_not_supported : HttpError::bad_request;
  }
  if (ec == http::error::header_limit) return HttpError::header_fields_too_large;
  if (ec == http::error::body_limit) return HttpError::payload_too_large;
  return HttpError::bad_request;
}

void RequestParser::on_request_impl(http::verb method, string_view, string_view target, int version,
                                    error_code& ec) {
  // RFC 9110 §6.2: we speak HTTP/1.0 and HTTP/1.1 only.
  if (version != 10 && version != 11) return reject(HttpError::http_version_not_supported, ec);
  // RFC 9112 §3: a server must answer 414 to a target longer than it is willing to parse.
  if (target.size() > limits::kMaxTargetBytes) return reject(HttpError::uri_too_long, ec);
  request_.method = method;
  request_.target.assign(target.data(), target.size());
  request_.version = static_cast<unsigned>(version);
}

void RequestParser::on_response_impl(int, string_view, int, error_code& ec) {
  ec = http::error::bad_method;
}

void RequestParser::on_field_impl(http::field name, string_view name_string, string_view value,
                                  error_code& ec) {
  if (++field_count_ > limits::kMaxHeaderCount) return reject(HttpError::header_fields_too_large, ec);
  switch (name) {
    case http::field::host:
      ++request_.host_count;
      request_.host.assign(value.data(), value.size());
      break;
    case http::field::origin:
      ++request_.origin_count;
      request_.origin.assign(value.data(), value.size());
      break;
    case http::field::authorization:
      ++request_.authorization_count;
      request_.authorization.assign(value.data(), value.size());
      break;
    case http::field::access_control_request_method:
      request_.access_control_request_method.assign(value.data(), value.size());
      break;
    case http::field::content_type:
      request_.content_type.assign(value.data(), value.size());
      break;
    case http::field::if_match:
      request_.if_match.assign(value.data(), value.size());
      break;
    case http::field::if_none_match:
      request_.if_none_match.assign(value.data(), value.size());
      break;
    case http::field::unknown:
      if (boost::beast::iequals(name_string, "Last-Event-ID"))
        request_.last_event_id.assign(value.data(), value.size());
      break;
    case http::field::transfer_encoding:
      // RFC 9112 §6.1 and §6.3: Transfer-Encoding beside or instead of Content-Length is the classic
      // smuggling vector. We take no chunked uploads, so any Transfer-Encoding is refused.
      return reject(HttpError::bad_request, ec);
    case http::field::content_length:
      // RFC 9112 §6.3: several Content-Length fields, even equal ones, and lists such as "3, 3" (which Beast
      // accepts) are ambiguities we refuse. RFC 9110 §8.6: the value is 1*DIGIT.
      if (++content_length_count_ > 1 || value.empty() ||
          value.find_first_not_of("0123456789") != string_view::npos) {
        return reject(HttpError::bad_request, ec);
      }
      break;
    default:
      break;
  }
}

void RequestParser::on_header_impl(error_code& ec) {
  // RFC 9112 §3.2: a request without exactly one Host gets 400. We ask it of HTTP/1.0 too: the Host check
  // against DNS rebinding needs one.
  if (request_.host_count != 1) return reject(HttpError::bad_request, ec);
  if (request_.origin_count > 1 || request_.authorization_count > 1)
    return reject(HttpError::bad_request, ec);
  auto length = content_length();
  // HTTP/1.0 has no reliable body framing for keep-alive; a 1.0 request with a body is refused.
  if (request_.version == 10 && length && *length > 0) return reject(HttpError::bad_request, ec);
  request_.keep_alive = keep_alive();
  request_.content_length = length.value_or(0);
}

void RequestParser::on_body_init_impl(boost::optional<std::uint64_t> const&, error_code&) {}

// The body, within the allowance set once the header was complete (Beast enforces body_limit).
std::size_t RequestParser::on_body_impl(string_view body, error_code&) {
  request_.body.append(body.data(), body.size());
  return body.size();
}

void RequestParser::on_chunk_header_impl(std::uint64_t, string_view, error_code& ec) {
  reject(HttpError::bad_request, ec);
}

std::size_t RequestParser::on_chunk_body_impl(std::uint64_t, string_view, error_code& ec) {
  reject(HttpError::bad_request, ec);
  return 0;
}

void RequestParser::on_finish_impl(error_code&) {}

}  // namespace backend
