#pragma once
// Writes a described value as compact JSON straight into a string: no intermediate tree on the answer path.
// An empty std::optional member is left out, not written as null.
#include <boost/json/serialize.hpp>
#include <boost/json/string_view.hpp>
#include <boost/mp11/algorithm.hpp>
#include <charconv>
#include <string>

#include "api/json_types.hpp"

namespace backend::api {

template <typename T>
void write_json(std::string& out, const T& value);

namespace detail {

inline void write_string(std::string& out, std::string_view text) {
  out += boost::json::serialize(boost::json::string_view(text.data(), text.size()));
}

template <typename T>
void write_number(std::string& out, T number) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, number).ptr;
  out.append(digits, end);
}

}  // namespace detail

template <typename T>
void write_json(std::string& out, const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    out += value ? "true" : "false";
  } else if constexpr (is_integer_v<T>) {
    detail::write_number(out, value);
  } else if constexpr (std::is_floating_point_v<T>) {
    out += boost::json::serialize(boost::json::value(static_cast<double>(value)));
  } else if constexpr (std::is_same_v<T, std::string>) {
    detail::write_string(out, value);
  } else if constexpr (std::is_same_v<T, RawJson>) {
    out += value.text;
  } else if constexpr (std::is_same_v<T, boost::json::value>) {
    out += boost::json::serialize(value);
  } else if constexpr (is_optional<T>::value) {
    if (value) {
      write_json(out, *value);
    } else {
      out += "null";
    }
  } else if constexpr (is_vector<T>::value) {
    out += '[';
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (i > 0) out += ',';
      write_json(out, value[i]);
    }
    out += ']';
  } else if constexpr (is_string_map<T>::value) {
    out += '{';
    bool first = true;
    for (const auto& [key, item] : value) {
      if (!first) out += ',';
      first = false;
      detail::write_string(out, key);
      out += ':';
      write_json(out, item);
    }
    out += '}';
  } else if constexpr (is_described_enum_v<T>) {
    detail::write_string(out, boost::describe::enum_to_string(value, "unknown"));
  } else {
    static_assert(is_described_struct_v<T>, "describe the type with BOOST_DESCRIBE_STRUCT");
    out += '{';
    bool first = true;
    boost::mp11::mp_for_each<members_of<T>>([&](auto member) {
      const auto& field = value.*member.pointer;
      if constexpr (is_optional<std::decay_t<decltype(field)>>::value) {
        if (!field) return;
      }
      if (!first) out += ',';
      first = false;
      detail::write_string(out, member.name);
      out += ':';
      write_json(out, field);
    });
    out += '}';
  }
}

}  // namespace backend::api
