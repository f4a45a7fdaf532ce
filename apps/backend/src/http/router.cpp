#include "http/router.hpp"

#include <array>

#include "http/http_error.hpp"
#include "http/openapi_document.hpp"

namespace backend {
namespace {

namespace http = boost::beast::http;

constexpr std::string_view kGetHead = "GET, HEAD, OPTIONS";
enum class RouteId { health, openapi, events };
// /events is here until the typed route table takes it: its handler only asks for a stream.
constexpr std::array<RouteInfo, 3> kRoutes{
    {{"/health", kGetHead}, {"/openapi.json", kGetHead}, {"/events", kGetHead}}};

std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find('?'));
}

}  // namespace

Router::Router(AccessPolicy policy, std::string_view app_name, std::chrono::steady_clock::time_point started)
    : policy_(std::move(policy)), health_(app_name), started_(started) {}

std::span<const RouteInfo> Router::routes() {
  return kRoutes;
}

void Router::handle(const Request& request, Response& response,
                    std::chrono::system_clock::time_point now_wall,
                    std::chrono::steady_clock::time_point now_steady) const {
  response.omit_body = request.method == http::verb::head;

  // DNS rebinding: a page that rebinds its own name to 127.0.0.1 still sends its own name as Host.
  if (!policy_.host_allowed(request.host)) return set_error(response, HttpError::misdirected_request);

  // A browser page from any other origin gets no data and no CORS headers, so it can read nothing.
  if (request.origin_count > 0) {
    if (!policy_.origin_allowed(request.origin)) return set_error(response, HttpError::forbidden);
    response.cors_origin = request.origin;
  }

  // Origin-form targets only (RFC 9112 §3.2.1); the asterisk form is for server-wide OPTIONS, which we do not
  // serve.
  auto path = path_of(request.target);
  const RouteInfo* route = nullptr;
  for (const auto& candidate : kRoutes) {
    if (candidate.path == path) route = &candidate;
  }

  // A CORS preflight carries no credentials, so it is answered before the token check (Fetch standard
  // §3.2.5).
  bool preflight = request.method == http::verb::options && request.origin_count > 0 &&
                   !request.access_control_request_method.empty();
  if (preflight && route != nullptr) {
    response.status = 204;
    response.allow = route->allow;
    response.cors_preflight = true;
    return;
  }

  if (policy_.token_required() && !policy_.authorization_valid(request.authorization)) {
    response.www_authenticate = true;
    return set_error(response, HttpError::unauthorized);
  }

  if (route == nullptr) return set_error(response, HttpError::not_found);
  response.allow = route->allow;

  switch (request.method) {
    case http::verb::get:
    case http::verb::head:
      break;
    case http::verb::options:
      response.status = 204;
      return;
    default:
      return set_error(response, HttpError::method_not_allowed);
  }

  response.allow = {};
  response.status = 200;
  switch (static_cast<RouteId>(route - kRoutes.data())) {
    case RouteId::health: {
      auto timestamp_ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(now_wall.time_since_epoch()).count();
      auto uptime = std::chrono::duration_cast<std::chrono::milliseconds>(now_steady - started_);
      response.body = health_.write(response.scratch, timestamp_ms, uptime);
      return;
    }
    case RouteId::openapi:
      response.body = openapi_document();
      return;
    case RouteId::events:
      // The session turns the connection into a stream registered with the EventHub (events/).
      response.stream = true;
      return;
  }
}

}  // namespace backend
