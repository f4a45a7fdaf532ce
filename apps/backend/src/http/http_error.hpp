#pragma once
// Every fixed error answer lives here: status, reason phrase and JSON body {"error":<code>,"message":<text>}.
// The OpenAPI document (api/openapi.cpp) derives its Error schema and error answers from this table.
#include <boost/describe/enum.hpp>
#include <string_view>

namespace backend {

// Described: the enumerators' names are the codes, and the OpenAPI document's ErrorCode schema lists them.
BOOST_DEFINE_ENUM_CLASS(HttpError, bad_request, unauthorized, forbidden, not_found, method_not_allowed,
                        payload_too_large, uri_too_long, misdirected_request, header_fields_too_large,
                        service_unavailable, http_version_not_supported, precondition_failed,
                        unsupported_media_type, unprocessable_content, storage_unavailable)

struct HttpErrorInfo {
  unsigned status;
  std::string_view code;
  std::string_view body;  // a complete JSON document
};

const HttpErrorInfo& info(HttpError error);

// Errors found while reading a request leave the connection out of sync: the answer closes it.
inline constexpr bool closes_connection(HttpError error) {
  switch (error) {
    case HttpError::bad_request:
    case HttpError::payload_too_large:
    case HttpError::uri_too_long:
    case HttpError::header_fields_too_large:
    case HttpError::service_unavailable:
    case HttpError::http_version_not_supported:
      return true;
    default:
      return false;
  }
}

std::string_view reason_phrase(unsigned status);

}  // namespace backend
