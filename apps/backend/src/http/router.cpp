#include "http/router.hpp"

#include <boost/json/stream_parser.hpp>
#include <boost/url/grammar/error.hpp>
#include <boost/url/parse.hpp>

#include <optional>

#include "api/error_body.hpp"
#include "http/http_error.hpp"

namespace backend {
namespace {

namespace http = boost::beast::http;
namespace urls = boost::urls;

// `text` equals `lower` (lower-case ASCII) but for the case of its letters.
bool equals_ignoring_case(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

// RFC 9110 §4.2.1: an http URI is "http://" authority path-abempty ["?" query]; the scheme's case does not
// matter (RFC 3986 §3.1).
bool is_http_uri(std::string_view target) {
  constexpr std::string_view kPrefix = "http://";
  return equals_ignoring_case(target.substr(0, kPrefix.size()), kPrefix);
}

// RFC 9112 §3.2: origin-form ("/path?query") from every client, absolute-form ("http://host:port/path") which
// a server MUST accept (§3.2.2). The asterisk and authority forms, and URIs of other schemes, name no route
// of ours. Those are refused before Boost.URL sees them: its 1.81 parser asserts on a scheme followed by an
// empty path and '?' or '#' (such as "a:?"), which debug and sanitizer builds turn into an abort.
urls::result<urls::url_view> parse_target(std::string_view target) {
  if (target.starts_with('/')) return urls::parse_origin_form(target);
  if (!is_http_uri(target)) return boost::system::error_code(urls::grammar::error::mismatch);
  return urls::parse_absolute_uri(target);
}

// RFC 9110 §8.3.1: media type names are case-insensitive; parameters such as charset may follow.
bool is_json_media_type(std::string_view content_type) {
  auto type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t'))
    type.remove_suffix(1);
  return equals_ignoring_case(type, "application/json");
}

void fail(Response& response, HttpError error, std::string_view message, std::string_view pointer = {}) {
  response.status = info(error).status;
  response.owned_body = api::error_body(error, message, pointer);
  response.body_is_owned = true;
  response.body = {};
}

}  // namespace

Router::Router(AccessPolicy policy, const api::RouteTable& routes, std::string_view app_name,
               std::chrono::steady_clock::time_point started, api::Services services)
    : policy_(std::move(policy)), routes_(routes), health_(app_name), services_(services) {
  services_.health = &health_;
  services_.started = started;
}

std::size_t Router::body_allowance(const Request& request) const {
  const api::PathItem* item = routes_.match_exact(request.target);
  // Both sides as plain views: a Host made into a pct_string_view would throw on a stray '%'.
  std::string_view authority = request.host;
  std::optional<urls::url_view> target;
  if (item == nullptr) {
    auto parsed = parse_target(request.target);
    if (!parsed) return 0;
    target = *parsed;
    if (target->has_scheme()) authority = target->encoded_host_and_port();
  }
  if (!policy_.host_allowed(authority)) return 0;
  if (request.origin_count > 0 && !policy_.origin_allowed(request.origin)) return 0;
  if (policy_.token_required() && !policy_.authorization_valid(request.authorization)) return 0;
  api::NamedValues params;
  if (target) item = routes_.match(target->encoded_segments(), params);
  const auto* endpoint = item ? item->find(request.method) : nullptr;
  return endpoint && endpoint->takes_body() ? endpoint->spec.body_limit : 0;
}

void Router::handle(const Request& request, Response& response,
                    std::chrono::system_clock::time_point now_wall,
                    std::chrono::steady_clock::time_point now_steady,
                    std::shared_ptr<PendingReply>* pending) const {
  response.omit_body = request.method == http::verb::head;

  // A target that is exactly a fixed route's path needs no parse (see RouteTable::match_exact).
  const api::PathItem* item = routes_.match_exact(request.target);
  std::optional<urls::url_view> target;
  std::string_view authority = request.host;
  if (item == nullptr) {
    if (!request.target.starts_with('/') && !is_http_uri(request.target))
      return fail(response, HttpError::bad_request, "An absolute-form target must be an http URL.");
    auto parsed = parse_target(request.target);
    if (!parsed) return fail(response, HttpError::bad_request, "The request target is malformed.");
    target = *parsed;
    if (target->has_scheme()) {
      if (target->scheme_id() != urls::scheme::http || target->has_userinfo())
        return fail(response, HttpError::bad_request, "An absolute-form target must be an http URL.");
      authority = target->encoded_host_and_port();
    }
  }

  // DNS rebinding: a page that rebinds its own name to 127.0.0.1 still sends its own name as Host.
  if (!policy_.host_allowed(authority)) return set_error(response, HttpError::misdirected_request);

  // A browser page from any other origin gets no data and no CORS headers, so it can read nothing.
  if (request.origin_count > 0) {
    if (!policy_.origin_allowed(request.origin)) return set_error(response, HttpError::forbidden);
    response.cors_origin = request.origin;
  }

  api::NamedValues path_params;
  if (target) item = routes_.match(target->encoded_segments(), path_params);

  // A CORS preflight carries no credentials, so it is answered before the token check (Fetch standard
  // §3.2.5).
  bool preflight = request.method == http::verb::options && request.origin_count > 0 &&
                   !request.access_control_request_method.empty();
  if (preflight && item != nullptr) {
    response.status = 204;
    response.allow = item->allow;
    response.cors_preflight = true;
    return;
  }

  if (policy_.token_required() && !policy_.authorization_valid(request.authorization)) {
    response.www_authenticate = true;
    return set_error(response, HttpError::unauthorized);
  }

  if (item == nullptr) return set_error(response, HttpError::not_found);
  if (request.method == http::verb::options) {
    response.status = 204;
    response.allow = item->allow;
    return;
  }
  const api::Endpoint* endpoint = item->find(request.method);
  if (endpoint == nullptr) {
    response.allow = item->allow;
    return set_error(response, HttpError::method_not_allowed);
  }

  // The body: JSON only, within the route's limit, parsed before the handler sees it.
  bool has_body = request.content_length > 0;
  if (has_body && !endpoint->takes_body())
    return fail(response, HttpError::unsupported_media_type, "This route takes no request body.");
  boost::json::value body;
  if (endpoint->takes_body()) {
    if (!is_json_media_type(request.content_type))
      return fail(response, HttpError::unsupported_media_type,
                  "The body must be JSON (Content-Type: application/json).");
    if (request.content_length > endpoint->spec.body_limit) {
      return fail(response, HttpError::payload_too_large,
                  "The body is larger than this route's limit of " +
                      std::to_string(endpoint->spec.body_limit) + " bytes.");
    }
    boost::json::parse_options options;
    options.max_depth = 128;
    boost::json::stream_parser parser({}, options);
    boost::system::error_code ec;
    std::size_t parsed = parser.write(request.body.data(), request.body.size(), ec);
    if (!ec) parser.finish(ec);
    if (ec) {
      return fail(response, HttpError::bad_request,
                  "The body is not valid JSON: " + ec.message() + " at byte " + std::to_string(parsed) + ".");
    }
    body = parser.release();
  }

  api::NamedValues query_params;
  if (target && !endpoint->query_params.empty()) {
    // Unknown parameters are ignored; the names kept are the declaration's, so only the values are copied.
    for (auto param : target->params()) {
      for (const auto& declared : endpoint->query_params) {
        if (declared.name == param.key) query_params.emplace_back(declared.name, std::move(param.value));
      }
    }
  }

  // Without a slot (unit tests), an answer given later is taken over if it was given before the return.
  std::shared_ptr<PendingReply> local;
  if (pending == nullptr) pending = &local;
  response.status = 200;
  api::Call call({request, response, services_, now_wall, now_steady, pending}, std::move(path_params),
                 std::move(query_params));
  endpoint->invoke(call, endpoint->takes_body() ? &body : nullptr);
  if (local && local->ready) response = local->response;
}

}  // namespace backend
