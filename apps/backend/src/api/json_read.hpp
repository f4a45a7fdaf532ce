#pragma once
// Reads a described value from parsed JSON, strictly: every required member present, no unknown member, every
// type exact. A failure names the offending member as a JSON Pointer (RFC 6901), which becomes the 422
// answer. Written here rather than with boost::json::value_to because 1.81's value_to throws, gives no
// pointer, and refuses a missing key for a std::optional member.
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/mp11/algorithm.hpp>
#include <charconv>
#include <limits>
#include <string>
#include <string_view>

#include "api/json_types.hpp"

namespace backend::api {

struct ReadError {
  std::string pointer;  // RFC 6901, "" for the whole document
  std::string message;
};

namespace detail {

// RFC 6901 §3: "~" and "/" inside a member name are escaped.
inline std::string pointer_token(std::string_view name) {
  std::string token;
  for (char c : name) {
    if (c == '~') {
      token += "~0";
    } else if (c == '/') {
      token += "~1";
    } else {
      token += c;
    }
  }
  return token;
}

inline bool fail(ReadError& error, std::string pointer, std::string message) {
  error.pointer = std::move(pointer);
  error.message = std::move(message);
  return false;
}

}  // namespace detail

template <typename T>
bool read_json(const boost::json::value& json, T& out, ReadError& error, const std::string& at = "");

template <typename T>
bool read_json(const boost::json::value& json, T& out, ReadError& error, const std::string& at) {
  using detail::fail;
  if constexpr (std::is_same_v<T, bool>) {
    if (!json.is_bool()) return fail(error, at, "expected a boolean");
    out = json.get_bool();
  } else if constexpr (is_integer_v<T>) {
    std::int64_t number = 0;
    if (json.is_int64()) {
      number = json.get_int64();
    } else if (json.is_uint64() && json.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
      number = static_cast<std::int64_t>(json.get_uint64());
    } else {
      return fail(error, at, "expected an integer");
    }
    if (number < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
        static_cast<std::uint64_t>(number) > static_cast<std::uint64_t>(std::numeric_limits<T>::max()))
      return fail(error, at, "integer out of range");
    out = static_cast<T>(number);
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!json.is_number()) return fail(error, at, "expected a number");
    out = static_cast<T>(json.to_number<double>());
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!json.is_string()) return fail(error, at, "expected a string");
    out.assign(json.get_string().data(), json.get_string().size());
  } else if constexpr (std::is_same_v<T, RawJson>) {
    out.text = boost::json::serialize(json);
  } else if constexpr (std::is_same_v<T, boost::json::value>) {
    out = json;
  } else if constexpr (is_optional<T>::value) {
    if (json.is_null()) {
      out.reset();
      return true;
    }
    return read_json(json, out.emplace(), error, at);
  } else if constexpr (is_vector<T>::value) {
    if (!json.is_array()) return fail(error, at, "expected an array");
    const auto& array = json.get_array();
    out.clear();
    out.resize(array.size());
    for (std::size_t i = 0; i < array.size(); ++i) {
      if (!read_json(array[i], out[i], error, at + "/" + std::to_string(i))) return false;
    }
  } else if constexpr (is_string_map<T>::value) {
    if (!json.is_object()) return fail(error, at, "expected an object");
    out.clear();
    for (const auto& item : json.get_object()) {
      std::string key(item.key());
      if (!read_json(item.value(), out[key], error, at + "/" + detail::pointer_token(key))) return false;
    }
  } else if constexpr (is_described_enum_v<T>) {
    if (!json.is_string()) return fail(error, at, "expected a string");
    std::string name(json.get_string());
    if (!boost::describe::enum_from_string(name.c_str(), out)) return fail(error, at, "unknown value");
  } else {
    static_assert(is_described_struct_v<T>, "describe the type with BOOST_DESCRIBE_STRUCT");
    if (!json.is_object()) return fail(error, at, "expected an object");
    const auto& object = json.get_object();
    bool ok = true;
    boost::mp11::mp_for_each<members_of<T>>([&](auto member) {
      if (!ok) return;
      auto& field = out.*member.pointer;
      auto it = object.find(member.name);
      std::string where = at + "/" + detail::pointer_token(member.name);
      if (it == object.end()) {
        if constexpr (is_optional<std::decay_t<decltype(field)>>::value) {
          field.reset();
        } else {
          ok = fail(error, where, "required member is missing");
        }
        return;
      }
      ok = read_json(it->value(), field, error, where);
    });
    if (!ok) return false;
    // Unknown members are refused (the schemas say additionalProperties: false): a misspelt member must not
    // pass silently.
    for (const auto& item : object) {
      bool known = false;
      boost::mp11::mp_for_each<members_of<T>>(
          [&](auto member) { known = known || item.key() == member.name; });
      if (!known) return fail(error, at + "/" + detail::pointer_token(item.key()), "unknown member");
    }
  }
  return true;
}

// Reads a path or query parameter, already percent-decoded, into a scalar.
template <typename T>
bool read_text(std::string_view text, T& out) {
  if constexpr (std::is_same_v<T, std::string>) {
    out.assign(text.data(), text.size());
    return true;
  } else if constexpr (std::is_same_v<T, bool>) {
    if (text == "true" || text == "1") return out = true, true;
    if (text == "false" || text == "0") return out = false, true;
    return false;
  } else if constexpr (is_integer_v<T>) {
    auto result = std::from_chars(text.data(), text.data() + text.size(), out);
    return result.ec == std::errc{} && result.ptr == text.data() + text.size();
  } else if constexpr (is_optional<T>::value) {
    return read_text(text, out.emplace());
  } else if constexpr (is_described_enum_v<T>) {
    return boost::describe::enum_from_string(std::string(text).c_str(), out);
  } else {
    static_assert(sizeof(T) == 0, "a parameter is a string, an integer, a boolean or a described enum");
  }
}

}  // namespace backend::api
