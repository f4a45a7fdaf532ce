#include "api/call.hpp"

#include "api/error_body.hpp"

namespace backend::api {

void Answer::error(HttpError error, std::string_view message, std::string_view pointer) {
  response_->status = info(error).status;
  response_->owned_body = error_body(error, message, pointer);
  response_->body_is_owned = true;
}

void Answer::header(std::string_view name, std::string_view value) {
  response_->headers.append(name).append(": ").append(value).append("\r\n");
}

Deferred Call::defer() {
  auto pending = std::make_shared<PendingReply>();
  // What the dispatcher has already decided for this request carries over to the answer given later.
  pending->response.cors_origin = context_.response.cors_origin;
  pending->response.omit_body = context_.response.omit_body;
  *context_.pending_slot = pending;
  return Deferred(std::move(pending));
}

}  // namespace backend::api
