#pragma once
// One route, declared once: method, path template, summary, typed answers and errors, and a handler whose
// parameters name the typed path parameters, query and JSON body it takes. The dispatcher, Allow, the CORS
// preflight answers, the OpenAPI operation and the contract test's route list are all derived from it.
//
//   api::endpoint({.method = http::verb::get, .path = "/settings/{key}", .operation_id = "getSetting",
//                  .summary = "Read one setting", .responses = {api::json<SettingEntry>(200, "The entry.")},
//                  .errors = {HttpError::not_found}},
//                 [](api::Call& call, const api::Path<KeyParam>& path) { ... });
#include <boost/beast/http/verb.hpp>
#include <boost/callable_traits/args.hpp>
#include <boost/mp11/algorithm.hpp>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "api/call.hpp"
#include "api/json_read.hpp"
#include "api/json_schema.hpp"
#include "http/http_error.hpp"

namespace backend::api {

// A request body above this is refused with 413 before it is read, unless the route sets its own limit.
inline constexpr std::size_t kDefaultBodyLimitBytes = 1024 * 1024;

// The typed inputs a handler may take, after its Call&.
template <typename T>
struct Path {
  T value;
  const T* operator->() const { return &value; }
};
template <typename T>
struct Query {
  T value;
  const T* operator->() const { return &value; }
};
template <typename T>
struct Body {
  T value;
  T* operator->() { return &value; }
};

using SchemaFn = boost::json::value (*)(SchemaRegistry&);

// An event of a text/event-stream answer: its name and the schema of its data.
struct EventDoc {
  std::string_view name;
  std::string_view description;
  SchemaFn data = nullptr;
};

struct ResponseDoc {
  unsigned status = 200;
  std::string_view description;
  SchemaFn schema = nullptr;  // nullptr: no body
  std::string_view media_type = "application/json";
  bool etag = false;             // the answer carries an ETag
  std::vector<EventDoc> events;  // text/event-stream: the events it sends
};

// An answer with a JSON body of type T.
template <typename T>
ResponseDoc json(unsigned status, std::string_view description) {
  return {status, description, &schema_of<T>};
}
// An answer with a JSON body and an ETag header.
template <typename T>
ResponseDoc json_with_etag(unsigned status, std::string_view description) {
  return {status, description, &schema_of<T>, "application/json", true};
}
// An answer without a body (204).
inline ResponseDoc empty(unsigned status, std::string_view description) {
  return {status, description, nullptr};
}
// A server-sent event stream (WHATWG HTML §9.2) of the given events.
inline ResponseDoc event_stream(unsigned status, std::string_view description, std::vector<EventDoc> events) {
  return {status, description, nullptr, "text/event-stream", false, std::move(events)};
}
template <typename T>
EventDoc event(std::string_view name, std::string_view description) {
  return {name, description, &schema_of<T>};
}

// A group of routes in the document.
struct TagDoc {
  std::string_view name;
  std::string_view description;
};

struct ParamDoc {
  std::string_view name;
  SchemaFn schema = nullptr;
  bool required = true;
};

// What a route declares by hand.
struct EndpointSpec {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string_view path;  // a template: literal segments and "{name}" segments
  std::string_view operation_id;
  std::string_view summary;
  std::string_view description;
  std::string_view tag;
  std::vector<ResponseDoc> responses;
  std::vector<HttpError> errors;                    // besides those every route can answer
  std::vector<std::string_view> request_headers;    // conditional headers the route reads, e.g. "If-Match"
  std::size_t body_limit = kDefaultBodyLimitBytes;  // for a route that takes a Body<T>
};

// A route as the table keeps it: the declaration plus what its handler's parameters say.
struct Endpoint {
  EndpointSpec spec;
  std::vector<ParamDoc> path_params;
  std::vector<ParamDoc> query_params;
  SchemaFn body_schema = nullptr;  // nullptr: the route takes no body
  std::function<void(Call&, const boost::json::value* body)> invoke;

  bool takes_body() const { return body_schema != nullptr; }
};

namespace detail {

template <typename T>
struct input_kind {
  static constexpr int value = 0;
};
template <typename T>
struct input_kind<Path<T>> {
  static constexpr int value = 1;
  using type = T;
};
template <typename T>
struct input_kind<Query<T>> {
  static constexpr int value = 2;
  using type = T;
};
template <typename T>
struct input_kind<Body<T>> {
  static constexpr int value = 3;
  using type = T;
};

template <typename T>
std::vector<ParamDoc> params_of() {
  std::vector<ParamDoc> params;
  boost::mp11::mp_for_each<members_of<T>>([&](auto member) {
    using Field = std::decay_t<decltype(std::declval<T&>().*member.pointer)>;
    params.push_back({member.name, &schema_of<Field>, !is_optional<Field>::value});
  });
  return params;
}

// Fills a described struct from named text values (path or query parameters). Returns the name of the first
// missing or malformed one, or empty.
template <typename T, typename Lookup>
std::string_view read_params(T& out, Lookup lookup) {
  std::string_view bad;
  boost::mp11::mp_for_each<members_of<T>>([&](auto member) {
    if (!bad.empty()) return;
    auto& field = out.*member.pointer;
    const std::string* text = lookup(member.name);
    if (text == nullptr) {
      if constexpr (!is_optional<std::decay_t<decltype(field)>>::value) bad = member.name;
      return;
    }
    if (!read_text(*text, field)) bad = member.name;
  });
  return bad;
}

template <typename Input>
bool decode_input(Call& call, const boost::json::value* body, Input& input) {
  using Kind = input_kind<Input>;
  if constexpr (Kind::value == 1) {
    auto bad = read_params(input.value, [&](std::string_view name) { return call.path_param(name); });
    // The path matched, so a parameter that does not convert names no resource.
    if (!bad.empty()) return call.error(HttpError::not_found, "No resource has this path."), false;
  } else if constexpr (Kind::value == 2) {
    auto bad = read_params(input.value, [&](std::string_view name) { return call.query_param(name); });
    if (!bad.empty()) {
      return call.error(HttpError::bad_request,
                        "The query parameter \"" + std::string(bad) + "\" is missing or malformed."),
             false;
    }
  } else if constexpr (Kind::value == 3) {
    ReadError error;
    if (!read_json(*body, input.value, error)) {
      call.error(
          HttpError::unprocessable_content,
          "The body does not have the expected shape: " + error.message + " at \"" + error.pointer + "\".",
          error.pointer);
      return false;
    }
  } else {
    static_assert(Kind::value != 0, "handler parameters after Call& are Path<T>, Query<T> or Body<T>");
  }
  return true;
}

}  // namespace detail

// Builds the table entry from a declaration and a handler `void(Call&, Path<P>?, Query<Q>?, Body<B>?)`.
template <typename Handler>
Endpoint endpoint(EndpointSpec spec, Handler handler) {
  using Args = boost::callable_traits::args_t<Handler, boost::mp11::mp_list>;
  using Inputs = boost::mp11::mp_transform<std::decay_t, boost::mp11::mp_pop_front<Args>>;
  Endpoint e{std::move(spec), {}, {}, nullptr, {}};
  boost::mp11::mp_for_each<boost::mp11::mp_transform<boost::mp11::mp_identity, Inputs>>([&](auto identity) {
    using Input = typename decltype(identity)::type;
    using Kind = detail::input_kind<Input>;
    if constexpr (Kind::value == 1) e.path_params = detail::params_of<typename Kind::type>();
    if constexpr (Kind::value == 2) e.query_params = detail::params_of<typename Kind::type>();
    if constexpr (Kind::value == 3) e.body_schema = &schema_of<typename Kind::type>;
  });
  e.invoke = [handler](Call& call, const boost::json::value* body) {
    boost::mp11::mp_rename<Inputs, std::tuple> inputs;
    bool ok =
        std::apply([&](auto&... input) { return (detail::decode_input(call, body, input) && ...); }, inputs);
    if (ok) std::apply([&](auto&... input) { handler(call, std::move(input)...); }, inputs);
  };
  return e;
}

}  // namespace backend::api
