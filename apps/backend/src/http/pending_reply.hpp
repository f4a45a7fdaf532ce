#pragma once
// An answer that a handler gives after it has returned (a store write that must be durable first). The
// connection keeps it and reads no further request until it is complete; `wake` resumes the connection.
#include <functional>
#include <utility>

#include "http/response.hpp"

namespace backend {

struct PendingReply {
  Response response;
  bool ready = false;
  std::function<void()> wake;

  void complete() {
    if (ready) return;
    ready = true;
    if (wake) std::exchange(wake, nullptr)();
  }
};

}  // namespace backend
