#pragma once
// A handler's view of one request: its typed inputs have been decoded already; this gives the request's
// headers, the server's services, and the ways to answer, now or later (after a store write commits).
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/json_write.hpp"
#include "api/services.hpp"
#include "http/http_error.hpp"
#include "http/pending_reply.hpp"
#include "http/request.hpp"
#include "http/response.hpp"

namespace backend::api {

using NamedValues = std::vector<std::pair<std::string_view, std::string>>;

// Writes answers into a Response: the same for an answer now and an answer later.
class Answer {
 public:
  explicit Answer(Response* response) : response_(response) {}

  template <typename T>
  void json(unsigned status, const T& body) {
    response_->status = status;
    response_->owned_body.clear();
    write_json(response_->owned_body, body);
    response_->body_is_owned = true;
  }
  void empty(unsigned status) { response_->status = status; }
  // An error answer {"error","message"[,"pointer"]}; an empty message uses the error's fixed text.
  void error(HttpError error, std::string_view message = {}, std::string_view pointer = {});
  // An extra header line; the value must be free of CR and LF.
  void header(std::string_view name, std::string_view value);

 protected:
  Response* response_;
};

// An answer given after the handler has returned. Each method answers once and wakes the connection; copies
// share the one answer. The connection reads no further request until then.
class Deferred : public Answer {
 public:
  explicit Deferred(std::shared_ptr<PendingReply> pending)
      : Answer(&pending->response), pending_(std::move(pending)) {}

  template <typename T>
  void json(unsigned status, const T& body) {
    Answer::json(status, body);
    pending_->complete();
  }
  void empty(unsigned status) {
    Answer::empty(status);
    pending_->complete();
  }
  void error(HttpError error, std::string_view message = {}, std::string_view pointer = {}) {
    Answer::error(error, message, pointer);
    pending_->complete();
  }

 private:
  std::shared_ptr<PendingReply> pending_;
};

class Call : public Answer {
 public:
  struct Context {
    const Request& request;
    Response& response;
    const Services& services;
    std::chrono::system_clock::time_point now_wall;
    std::chrono::steady_clock::time_point now_steady;
    std::shared_ptr<PendingReply>* pending_slot;  // where defer() leaves the answer to come
  };

  Call(const Context& context, NamedValues path_params, NamedValues query_params)
      : Answer(&context.response),
        context_(context),
        path_params_(std::move(path_params)),
        query_params_(std::move(query_params)) {}

  const Request& request() const { return context_.request; }
  Response& response() { return context_.response; }
  const Services& services() const { return context_.services; }
  std::chrono::system_clock::time_point now_wall() const { return context_.now_wall; }
  std::chrono::steady_clock::time_point now_steady() const { return context_.now_steady; }

  const std::string* path_param(std::string_view name) const { return find(path_params_, name); }
  const std::string* query_param(std::string_view name) const { return find(query_params_, name); }

  // The answer will be given later, on the I/O thread, through the returned handle.
  Deferred defer();

 private:
  static const std::string* find(const NamedValues& values, std::string_view name) {
    for (const auto& [key, value] : values) {
      if (key == name) return &value;
    }
    return nullptr;
  }

  Context context_;
  NamedValues path_params_;
  NamedValues query_params_;
};

}  // namespace backend::api
