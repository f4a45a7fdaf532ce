#include "system/routes.hpp"

#include "http/health.hpp"

namespace backend::system {

namespace http = boost::beast::http;

boost::json::value OpenApiDocument::json_schema() {
  return {{"type", "object"},
          {"description", "An OpenAPI 3.1 document (this one)."},
          {"required", boost::json::array{"openapi", "info", "paths"}},
          {"properties",
           {{"openapi", {{"type", "string"}, {"pattern", "^3\\.1\\.\\d+$"}}},
            {"info",
             {{"type", "object"},
              {"required", boost::json::array{"title", "version"}},
              {"properties", {{"title", {{"type", "string"}}}, {"version", {{"type", "string"}}}}}}},
            {"paths", {{"type", "object"}}}}}};
}

std::vector<api::Endpoint> endpoints() {
  std::vector<api::Endpoint> routes;

  // The hot path keeps its allocation-free writer: the document is formatted into the response's own buffer.
  routes.push_back(api::endpoint(
      {.method = http::verb::get,
       .path = "/health",
       .operation_id = "getHealth",
       .summary = "Liveness and basic facts",
       .description = "Tells that the backend is up, with the app name, the current time and the uptime.",
       .tag = kTag.name,
       .responses = {api::json<Health>(200, "The backend is up.")}},
      [](api::Call& call) {
        auto& response = call.response();
        auto timestamp_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(call.now_wall().time_since_epoch()).count();
        auto uptime = std::chrono::duration_cast<std::chrono::milliseconds>(call.now_steady() -
                                                                            call.services().started);
        response.body = call.services().health->write(response.scratch, timestamp_ms, uptime);
      }));

  routes.push_back(api::endpoint(
      {.method = http::verb::get,
       .path = "/openapi.json",
       .operation_id = "getOpenApiDocument",
       .summary = "This API's OpenAPI 3.1 document",
       .description = "The document generated from the route table; `backend --openapi` prints the same.",
       .tag = kTag.name,
       .responses = {api::json<OpenApiDocument>(200, "The OpenAPI document.")}},
      [](api::Call& call) {
        if (auto* document = call.services().openapi_document) call.response().body = document();
      }));

  return routes;
}

}  // namespace backend::system
