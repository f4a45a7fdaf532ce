#pragma once
// What route handlers may use besides their request: the long-lived parts of the server. Handlers are plain
// functions declared in the route table, so the table (and the OpenAPI document) exists without a server.
#include <chrono>
#include <string>

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
  // This server's own OpenAPI document, generated at its first use and kept: building it costs more than the
  // rest of the start together (about 3.9 M of 4.7 M instructions), so it is not done before the port line.
  const std::string& (*openapi_document)() = nullptr;
  std::chrono::steady_clock::time_point started{};
  store::SettingsStore* store = nullptr;
  events::EventHub* events = nullptr;
};

}  // namespace backend::api
