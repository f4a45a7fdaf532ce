#pragma once
// The C++ types the API layer knows how to turn into JSON, read back from JSON and describe as a JSON Schema.
// Structs and enums are described with Boost.Describe; these traits name the few standard types around them.
#include <boost/describe.hpp>
#include <boost/json/value.hpp>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace backend::api {

// Any JSON value kept as its text, written out verbatim: a stored setting is serialized once, not per answer.
struct RawJson {
  std::string text;
};

template <typename T>
struct is_optional : std::false_type {};
template <typename T>
struct is_optional<std::optional<T>> : std::true_type {};

template <typename T>
struct is_vector : std::false_type {};
template <typename T>
struct is_vector<std::vector<T>> : std::true_type {};

template <typename T>
struct is_string_map : std::false_type {};
template <typename T, typename Less>
struct is_string_map<std::map<std::string, T, Less>> : std::true_type {};

template <typename T>
inline constexpr bool is_integer_v = std::is_integral_v<T> && !std::is_same_v<T, bool>;

template <typename T>
inline constexpr bool is_described_struct_v = boost::describe::has_describe_members<T>::value;

template <typename T>
inline constexpr bool is_described_enum_v = boost::describe::has_describe_enumerators<T>::value;

// A type may carry a description for its schema: `static constexpr std::string_view kDescription = "...";`.
template <typename T>
concept HasDescription = requires {
  T::kDescription;
};

// The members of a described struct, public and in declaration order.
template <typename T>
using members_of = boost::describe::describe_members<T, boost::describe::mod_public>;

}  // namespace backend::api
