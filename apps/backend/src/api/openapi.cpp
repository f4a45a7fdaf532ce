#include "api/openapi.hpp"

#include <boost/json/parse.hpp>
#include <set>

#include "api/error_body.hpp"
#include "api/json_pretty.hpp"
#include "http/access_policy.hpp"

namespace backend::api {
namespace {

namespace json = boost::json;
namespace http = boost::beast::http;

constexpr std::string_view kDescription =
    "The backend is a sidecar process of the desktop app. It binds 127.0.0.1 only, on the port it prints as "
    "its "
    "first line of standard output (`BACKEND_PORT:<port>`). When it is started with the environment variable "
    "`BACKEND_TOKEN`, every request except a CORS preflight must carry `Authorization: Bearer <token>`. "
    "Requests "
    "whose Host header (or absolute-form target) is not a loopback name for this port are refused with 421 "
    "(DNS-rebinding defence). A request with an Origin header that is not an allowed origin is refused with "
    "403 "
    "and no CORS headers. Every error answer has the body described by the `Error` schema. `info.version` is "
    "the "
    "app version from packages/shared/app.json. This document is generated from the backend's route table "
    "(`backend --openapi`).";

// Every operation can meet these, whatever the route.
constexpr HttpError kCommonErrors[] = {HttpError::bad_request,        HttpError::unauthorized,
                                       HttpError::forbidden,          HttpError::not_found,
                                       HttpError::method_not_allowed, HttpError::unsupported_media_type,
                                       HttpError::misdirected_request};
// And a route that takes a JSON body these.
constexpr HttpError kBodyErrors[] = {HttpError::payload_too_large, HttpError::unprocessable_content};

// "not_found" -> "NotFound"; "/settings/{key}" -> "SettingsKey".
std::string pascal_case(std::string_view text) {
  std::string out;
  bool upper = true;
  for (char c : text) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum) {
      upper = true;
      continue;
    }
    out += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return out;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

json::value ref(std::string_view section, std::string_view name) {
  return json::object{{"$ref", "#/components/" + std::string(section) + "/" + std::string(name)}};
}

class DocumentBuilder {
 public:
  explicit DocumentBuilder(const RouteTable& routes) : routes_(routes) {}

  json::object build(std::string_view app_version) {
    json::object paths;
    for (const auto& item : routes_.paths())
      paths[item.path] = path_item(item);

    json::object doc;
    doc["openapi"] = "3.1.0";
    doc["info"] = {{"title", "Backend sidecar API"},
                   {"version", app_version},
                   {"summary", "The local HTTP API of the desktop app's backend sidecar."},
                   {"description", kDescription},
                   {"license", {{"name", "Proprietary"}, {"identifier", "LicenseRef-Proprietary"}}}};
    doc["jsonSchemaDialect"] = "https://spec.openapis.org/oas/3.1/dialect/base";
    doc["servers"] = json::array{
        {{"url", "http://127.0.0.1:{port}"},
         {"description", "The sidecar on the loopback interface."},
         {"variables",
          {{"port",
            {{"default", "1421"},
             {"description", "The port from the sidecar's handshake line `BACKEND_PORT:<port>`."}}}}}}};
    doc["security"] = json::array{json::object{}, {{"bearerAuth", json::array{}}}};
    json::array tags;
    for (const auto& tag : routes_.tags())
      tags.push_back({{"name", tag.name}, {"description", tag.description}});
    tags.push_back(
        {{"name", "cors"}, {"description", "CORS preflight answers, derived from each path's routes."}});
    doc["tags"] = std::move(tags);
    doc["paths"] = std::move(paths);
    doc["components"] = components();
    return doc;
  }

 private:
  json::object path_item(const PathItem& item) {
    json::object out;
    for (const auto* e : item.endpoints) {
      out[lower(http::to_string(e->spec.method))] = operation(*e, false);
      if (e->spec.method == http::verb::get) out["head"] = operation(*e, true);
    }
    out["options"] = options_operation(item);
    return out;
  }

  json::object operation(const Endpoint& e, bool head) {
    const auto& spec = e.spec;
    json::object op;
    std::string id(spec.operation_id);
    if (head) id = "head" + (id.starts_with("get") ? id.substr(3) : pascal_case(id));
    op["operationId"] = id;
    op["summary"] = head ? std::string(spec.summary) + " (headers only)" : std::string(spec.summary);
    std::string description(spec.description);
    if (head) description = "The same status and headers as GET, without a body. " + description;
    if (!description.empty()) op["description"] = description;
    if (!spec.tag.empty()) op["tags"] = json::array{spec.tag};

    json::array parameters;
    for (const auto& p : e.path_params)
      parameters.push_back(
          {{"name", p.name}, {"in", "path"}, {"required", true}, {"schema", p.schema(schemas_)}});
    for (const auto& p : e.query_params)
      parameters.push_back(
          {{"name", p.name}, {"in", "query"}, {"required", p.required}, {"schema", p.schema(schemas_)}});
    for (auto name : spec.request_headers)
      parameters.push_back(ref("parameters", pascal_case(name)));
    if (!parameters.empty()) op["parameters"] = std::move(parameters);

    if (e.takes_body()) {
      op["requestBody"] = {
          {"required", true},
          {"description", "JSON (`Content-Type: application/json`), at most " +
                              std::to_string(spec.body_limit) + " bytes. Unknown members are refused."},
          {"content", {{"application/json", {{"schema", e.body_schema(schemas_)}}}}}};
    }

    json::object responses;
    for (const auto& r : spec.responses)
      responses[std::to_string(r.status)] = response(r, head);
    auto add_error = [&](HttpError error) {
      auto key = std::to_string(info(error).status);
      if (!responses.contains(key)) responses[key] = error_response(error, head);
    };
    for (auto error : kCommonErrors)
      add_error(error);
    if (e.takes_body()) {
      for (auto error : kBodyErrors)
        add_error(error);
    }
    for (auto error : spec.errors)
      add_error(error);
    responses["default"] = ref("responses", head ? "OtherErrorHead" : "OtherError");
    used_responses_.insert(head ? "OtherErrorHead" : "OtherError");
    op["responses"] = std::move(responses);
    return op;
  }

  json::object response(const ResponseDoc& r, bool head) {
    json::object headers{{"Cache-Control", ref("headers", "CacheControl")},
                         {"Access-Control-Allow-Origin", ref("headers", "AccessControlAllowOrigin")},
                         {"Vary", ref("headers", "Vary")}};
    if (r.etag) headers["ETag"] = ref("headers", "ETag");
    json::object out{{"description", r.description}, {"headers", std::move(headers)}};
    if (head) return out;
    if (r.schema != nullptr) {
      out["content"] = {{r.media_type, {{"schema", r.schema(schemas_)}}}};
    } else if (!r.events.empty()) {
      json::array variants;
      for (const auto& event : r.events) {
        variants.push_back({{"type", "object"},
                            {"description", event.description},
                            {"properties",
                             {{"event", {{"const", event.name}}},
                              {"id", {{"type", "string"}}},
                              {"data", event.data(schemas_)}}},
                            {"required", json::array{"event", "data"}}});
      }
      out["content"] = {{r.media_type,
                         {{"schema",
                           {{"type", "array"},
                            {"description",
                             "A stream of server-sent events (WHATWG HTML §9.2): each has `event`, `id` and "
                             "one `data` line of "
                             "JSON as given here. Comment lines (`: ping`) keep an idle stream alive."},
                            {"items", {{"oneOf", std::move(variants)}}}}}}}};
    }
    return out;
  }

  json::value error_response(HttpError error, bool head) {
    auto name = pascal_case(info(error).code) + (head ? "Head" : "");
    used_responses_.insert(name);
    errors_used_.insert(static_cast<int>(error));
    return ref("responses", name);
  }

  json::object options_operation(const PathItem& item) {
    json::object op;
    op["operationId"] = "options" + pascal_case(item.path);
    op["summary"] = "CORS preflight for " + std::string(item.path);
    op["description"] =
        "Answers a CORS preflight. For an allowed Origin (`tauri://localhost`, `http://tauri.localhost`, "
        "`https://tauri.localhost`, and the comma-separated origins in the backend's "
        "`BACKEND_ALLOWED_ORIGINS` "
        "environment variable) the answer is 204 with `Access-Control-Allow-Origin` set to that exact origin "
        "(never `*`), `Access-Control-Allow-Methods`, `Access-Control-Allow-Headers`, "
        "`Access-Control-Max-Age` "
        "and `Vary: Origin`. Any other origin gets 403 `forbidden` without CORS headers. A preflight never "
        "needs "
        "the bearer token, since browsers do not send it; any other OPTIONS request is answered 204 with "
        "`Allow`, and needs the token.";
    op["tags"] = json::array{"cors"};
    json::array parameters;
    if (!item.endpoints.empty()) {
      for (const auto& p : item.endpoints.front()->path_params)
        parameters.push_back(
            {{"name", p.name}, {"in", "path"}, {"required", true}, {"schema", p.schema(schemas_)}});
    }
    for (auto name : {"Origin", "AccessControlRequestMethod", "AccessControlRequestHeaders"})
      parameters.push_back(ref("parameters", name));
    op["parameters"] = std::move(parameters);
    json::object responses;
    responses["204"] = {
        {"description",
         "The preflight is answered, or `Allow` is given to an OPTIONS request that is not one."},
        {"headers",
         {{"Allow", ref("headers", "Allow")},
          {"Access-Control-Allow-Origin", ref("headers", "AccessControlAllowOrigin")},
          {"Access-Control-Allow-Methods",
           {{"description", "The methods the path allows."},
            {"schema", {{"type", "string"}, {"const", item.allow}}}}},
          {"Access-Control-Allow-Headers",
           {{"description", "The request headers a cross-origin request may send."},
            {"schema",
             {{"type", "string"},
              {"const", "Authorization, Content-Type, If-Match, If-None-Match, Last-Event-ID"}}}}},
          {"Access-Control-Max-Age",
           {{"description", "How long the browser may cache the preflight, in seconds."},
            {"schema", {{"type", "string"}, {"const", "600"}}}}},
          {"Vary", ref("headers", "Vary")}}}};
    for (auto error : {HttpError::bad_request, HttpError::unauthorized, HttpError::forbidden,
                       HttpError::not_found, HttpError::misdirected_request}) {
      responses[std::to_string(info(error).status)] = error_response(error, false);
    }
    responses["default"] = ref("responses", "OtherError");
    op["responses"] = std::move(responses);
    return op;
  }

  json::object components() {
    schema_of<Error>(schemas_);
    json::object out;
    out["securitySchemes"] = {
        {"bearerAuth",
         {{"type", "http"},
          {"scheme", "bearer"},
          {"description",
           "The token the desktop host passes to the backend in `BACKEND_TOKEN`. Required only when the "
           "backend was started with it."}}}};
    out["schemas"] = schemas_.schemas();
    auto header_param = [](std::string_view name, std::string_view description, bool required = false) {
      return json::object{{"name", name},
                          {"in", "header"},
                          {"required", required},
                          {"description", description},
                          {"schema", {{"type", "string"}}}};
    };
    json::object parameters{
        {"Origin", header_param("Origin", "Sent by browsers; must be an allowed origin.", true)},
        {"AccessControlRequestMethod",
         header_param("Access-Control-Request-Method", "Sent by browsers in a CORS preflight.", true)},
        {"AccessControlRequestHeaders",
         header_param("Access-Control-Request-Headers", "Sent by browsers in a CORS preflight.")},
        {"IfMatch",
         header_param("If-Match",
                      "`\"<revision>\"`: the write is refused with 412 unless the entry is at this "
                      "revision (RFC 9110 §13.1.1).")},
        {"IfNoneMatch",
         header_param("If-None-Match",
                      "`*`: the write is refused with 412 if the entry exists (create only).")},
        {"LastEventID",
         header_param("Last-Event-ID",
                      "The id of the last event received: the stream resumes after it, or sends "
                      "`resync` first when it cannot.")}};
    // Only what an operation refers to is kept: unused components are a lint error.
    json::object used_parameters;
    for (const auto& p : parameters) {
      if (referenced_parameter(p.key())) used_parameters[p.key()] = p.value();
    }
    out["parameters"] = std::move(used_parameters);
    out["headers"] = {
        {"CacheControl",
         {{"description", "Every answer is `no-store`."},
          {"schema", {{"type", "string"}, {"const", "no-store"}}}}},
        {"AccessControlAllowOrigin",
         {{"description", "The request's Origin, echoed when it is allowed; never `*`."},
          {"schema", {{"type", "string"}}}}},
        {"Vary",
         {{"description", "`Origin` when CORS headers are present."}, {"schema", {{"type", "string"}}}}},
        {"Allow", {{"description", "The methods the path allows."}, {"schema", {{"type", "string"}}}}},
        {"ETag",
         {{"description", "`\"<revision>\"`: the entry's revision, for If-Match."},
          {"schema", {{"type", "string"}}}}}};
    out["responses"] = responses();
    return out;
  }

  bool referenced_parameter(std::string_view name) const {
    if (name == "Origin" || name == "AccessControlRequestMethod" || name == "AccessControlRequestHeaders")
      return true;
    for (const auto& e : routes_.endpoints()) {
      for (auto header : e.spec.request_headers) {
        if (pascal_case(header) == name) return true;
      }
    }
    return false;
  }

  json::object responses() {
    json::object out;
    auto add = [&](const std::string& name, std::string_view description, const json::value* example) {
      json::object headers{{"Cache-Control", ref("headers", "CacheControl")}};
      if (name.starts_with("MethodNotAllowed")) headers["Allow"] = ref("headers", "Allow");
      json::object r{{"description", description}, {"headers", std::move(headers)}};
      if (!name.ends_with("Head")) {
        json::object media{{"schema", ref("schemas", "Error")}};
        if (example != nullptr) media["example"] = *example;
        r["content"] = {{"application/json", std::move(media)}};
      }
      out[name] = std::move(r);
    };
    for (int code : errors_used_) {
      auto error = static_cast<HttpError>(code);
      const auto& e = info(error);
      auto example = json::parse(e.body);
      std::string message(example.at("message").as_string());
      std::string name = pascal_case(e.code);
      auto description = message + " (" + std::to_string(e.status) + ")";
      if (used_responses_.contains(name)) add(name, description, &example);
      if (used_responses_.contains(name + "Head")) add(name + "Head", description + ". No body.", nullptr);
    }
    add("OtherError", "Any other error (413, 414, 431, 503, 505, ...), with the Error body.", nullptr);
    add("OtherErrorHead", "Any other error. No body.", nullptr);
    return out;
  }

  const RouteTable& routes_;
  SchemaRegistry schemas_;
  std::set<std::string> used_responses_;
  std::set<int> errors_used_;
};

}  // namespace

std::string openapi_document(const RouteTable& routes, std::string_view app_version) {
  std::string out;
  write_pretty(out, DocumentBuilder(routes).build(app_version));
  out += '\n';
  return out;
}

}  // namespace backend::api
