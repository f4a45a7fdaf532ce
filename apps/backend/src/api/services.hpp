#pragma once
// What route handlers may use besides their request: the long-lived parts of the server. Handlers are plain
// functions declared in the route table, so the table (and the OpenAPI document) exists without a server.
#include <chrono>
#include <string_view>

namespace backend {
class HealthDocument;
namespace store {
class SettingsStore;
}
namespace events {
class EventHub;
}
}  // namespace backend

namespace backend::api {

struct Services {
  const HealthDocument* health = nullptr;
  std::string_view openapi_document;  // this server's own OpenAPI document, generated once at start
  std::chrono::steady_clock::time_point started{};
  store::SettingsStore* store = nullptr;
  events::EventHub* events = nullptr;
};

}  // namespace backend::api
