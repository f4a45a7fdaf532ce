#pragma once
// The body of an error answer with a message of the route's own: {"error","message"} and, for a body of the
// wrong shape, "pointer" (RFC 6901) to the member at fault. Fixed answers keep their static bodies
// (http/http_error.cpp).
#include <string>
#include <string_view>

#include "http/http_error.hpp"

namespace backend::api {

std::string error_body(HttpError error, std::string_view message, std::string_view pointer = {});

}  // namespace backend::api

#include <boost/describe/class.hpp>
#include <optional>

#include "api/json_schema.hpp"

namespace backend::api {

// The shape of every error answer, described so that the document's Error schema comes from it.
struct Error {
  HttpError error;
  std::string message;
  std::optional<std::string> pointer;

  static constexpr std::string_view kDescription =
      "The body of every error answer. `error` is machine-readable and goes with one HTTP status; `message` "
      "is "
      "for people. `pointer` (RFC 6901) names the member at fault when a body has the wrong shape (422).";
};
BOOST_DESCRIBE_STRUCT(Error, (), (error, message, pointer))

// The codes are published as ErrorCode, the name the frontend knows them by.
template <>
struct SchemaName<HttpError> {
  static std::string get() { return "ErrorCode"; }
};

}  // namespace backend::api
