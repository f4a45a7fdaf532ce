#include "api/error_body.hpp"

#include "api/json_write.hpp"

namespace backend::api {

std::string error_body(HttpError error, std::string_view message, std::string_view pointer) {
  const auto& e = info(error);
  if (message.empty()) return std::string(e.body);
  std::string out = "{\"error\":";
  detail::write_string(out, e.code);
  out += ",\"message\":";
  detail::write_string(out, message);
  if (!pointer.empty() || error == HttpError::unprocessable_content) {
    out += ",\"pointer\":";
    detail::write_string(out, pointer);
  }
  out += '}';
  return out;
}

}  // namespace backend::api
