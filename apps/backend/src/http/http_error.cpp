#include "http/http_error.hpp"

#include <array>

namespace backend {
namespace {

#define BACKEND_ERROR_BODY(code, message) "{\"error\":\"" code "\",\"message\":\"" message "\"}"

constexpr std::array<HttpErrorInfo, 15> kErrors{{
    {400, "bad_request",
     BACKEND_ERROR_BODY("bad_request", "The request is malformed or its framing is ambiguous.")},
    {401, "unauthorized",
     BACKEND_ERROR_BODY("unauthorized", "This backend requires the header Authorization: Bearer <token>.")},
    {403, "forbidden", BACKEND_ERROR_BODY("forbidden", "Requests from this Origin are not allowed.")},
    {404, "not_found", BACKEND_ERROR_BODY("not_found", "No route matches the request path.")},
    {405, "method_not_allowed",
     BACKEND_ERROR_BODY("method_not_allowed",
                        "The route does not support this method; see the Allow header.")},
    {413, "payload_too_large", BACKEND_ERROR_BODY("payload_too_large", "The request body is too large.")},
    {414, "uri_too_long", BACKEND_ERROR_BODY("uri_too_long", "The request target is too long.")},
    {421, "misdirected_request",
     BACKEND_ERROR_BODY("misdirected_request", "The Host header does not name this backend.")},
    {431, "header_fields_too_large",
     BACKEND_ERROR_BODY("header_fields_too_large",
                        "The request header is too large or has too many fields.")},
    {503, "service_unavailable",
     BACKEND_ERROR_BODY("service_unavailable", "Too many connections; try again later.")},
    {505, "http_version_not_supported",
     BACKEND_ERROR_BODY("http_version_not_supported", "Only HTTP/1.0 and HTTP/1.1 are supported.")},
    {412, "precondition_failed",
     BACKEND_ERROR_BODY("precondition_failed",
                        "A condition of the request (If-Match, If-None-Match) is not met.")},
    {415, "unsupported_media_type",
     BACKEND_ERROR_BODY("unsupported_media_type",
                        "The request body is not accepted: JSON only, where a route takes one.")},
    {422, "unprocessable_content",
     BACKEND_ERROR_BODY("unprocessable_content", "The request body does not have the expected shape.")},
    {503, "storage_unavailable",
     BACKEND_ERROR_BODY("storage_unavailable",
                        "The settings store could not save the change; nothing was stored.")},
}};

#undef BACKEND_ERROR_BODY

}  // namespace

const HttpErrorInfo& info(HttpError error) {
  return kErrors[static_cast<std::size_t>(error)];
}

std::string_view reason_phrase(unsigned status) {
  switch (status) {
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 421:
      return "Misdirected Request";
    case 422:
      return "Unprocessable Content";
    case 431:
      return "Request Header Fields Too Large";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

}  // namespace backend
