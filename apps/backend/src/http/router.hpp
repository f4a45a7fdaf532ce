#pragma once
// The dispatcher: one request in, one response out (now, or later through a PendingReply). It applies the
// access policy, parses the target with Boost.URL, finds the route in the table, checks and parses the JSON
// body, decodes the typed inputs and calls the handler. It knows nothing of sockets.
#include <chrono>
#include <memory>
#include <string_view>

#include "api/route_table.hpp"
#include "api/services.hpp"
#include "http/access_policy.hpp"
#include "http/health.hpp"
#include "http/pending_reply.hpp"
#include "http/request.hpp"
#include "http/response.hpp"

namespace backend {

class Router {
 public:
  Router(AccessPolicy policy, const api::RouteTable& routes, std::string_view app_name,
         std::chrono::steady_clock::time_point started, api::Services services = {});

  // Once the header is complete: how many body bytes this request may send. A larger body is not read; the
  // answer (413, 415, or whatever refuses the request first) closes the connection.
  std::size_t body_allowance(const Request& request) const;

  // `pending`: where a handler that answers later leaves its PendingReply; the response is then ignored.
  void handle(const Request& request, Response& response, std::chrono::system_clock::time_point now_wall,
              std::chrono::steady_clock::time_point now_steady,
              std::shared_ptr<PendingReply>* pending = nullptr) const;

  const api::RouteTable& routes() const { return routes_; }

 private:
  AccessPolicy policy_;
  const api::RouteTable& routes_;
  HealthDocument health_;
  api::Services services_;
};

}  // namespace backend
