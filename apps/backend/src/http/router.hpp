#pragma once
// The pure part of the server: one request in, one response description out. It knows nothing of sockets.
#include <chrono>
#include <span>
#include <string_view>

#include "http/access_policy.hpp"
#include "http/health.hpp"
#include "http/request.hpp"
#include "http/response.hpp"

namespace backend {

struct RouteInfo {
  std::string_view path;
  std::string_view allow;  // the methods, as sent in Allow
};

class Router {
 public:
  Router(AccessPolicy policy, std::string_view app_name, std::chrono::steady_clock::time_point started);

  void handle(const Request& request, Response& response, std::chrono::system_clock::time_point now_wall,
              std::chrono::steady_clock::time_point now_steady) const;

  // Every route the server answers; the contract test compares it with the OpenAPI document.
  static std::span<const RouteInfo> routes();

 private:
  AccessPolicy policy_;
  HealthDocument health_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace backend
