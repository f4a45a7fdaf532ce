#pragma once
// JSON Schemas (2020-12, as OpenAPI 3.1 uses them) derived from the same Boost.Describe descriptions that the
// reader and writer use, so the document cannot disagree with the code. Named types (described structs and
// enums) go into components/schemas once and are referred to by "$ref".
#include <boost/json/object.hpp>
#include <boost/mp11/algorithm.hpp>
#include <string>
#include <string_view>

#include "api/json_types.hpp"

namespace backend::api {

class SchemaRegistry {
 public:
  // components/schemas, in the order the types were first met.
  const boost::json::object& schemas() const { return schemas_; }

  // Registers a named schema built by `build` (once) and returns a reference to it.
  template <typename Build>
  boost::json::value reference(const std::string& name, Build build) {
    if (!schemas_.contains(name)) {
      schemas_[name] = nullptr;  // reserved first: a type that refers to itself stops here
      schemas_[name] = build();
    }
    return boost::json::object{{"$ref", "#/components/schemas/" + name}};
  }
  void add(const std::string& name, boost::json::value schema) { schemas_[name] = std::move(schema); }

 private:
  boost::json::object schemas_;
};

// "backend::settings::SettingEntry" -> "SettingEntry", read from the compiler's own name of this function
// (GCC:
// "... [with T = backend::settings::SettingEntry; ...]", Clang: "... [T = backend::settings::SettingEntry]"):
// boost::core::type_name would link the C++ demangler into the binary.
template <typename T>
std::string schema_name() {
  std::string_view signature = __PRETTY_FUNCTION__;
  auto start = signature.find("T = ") + 4;
  auto end = signature.find_first_of(";]", start);
  auto name = signature.substr(start, end - start);
  auto colon = name.rfind("::");
  return std::string(colon == std::string_view::npos ? name : name.substr(colon + 2));
}

// A named type's key in components/schemas: its C++ name, unless specialized.
template <typename T>
struct SchemaName {
  static std::string get() { return schema_name<T>(); }
};

template <typename T>
boost::json::value schema_of(SchemaRegistry& registry);

// A type whose schema says more than its members can (a document of open shape) writes its own:
// `static boost::json::value json_schema();`.
template <typename T>
concept HasCustomSchema = requires {
  T::json_schema();
};

namespace detail {

template <typename T>
void describe(boost::json::object& schema) {
  if constexpr (HasDescription<T>) schema["description"] = std::string(T::kDescription);
}

}  // namespace detail

template <typename T>
boost::json::value schema_of(SchemaRegistry& registry) {
  namespace json = boost::json;
  if constexpr (std::is_same_v<T, bool>) {
    return json::object{{"type", "boolean"}};
  } else if constexpr (is_integer_v<T>) {
    return json::object{{"type", "integer"}};
  } else if constexpr (std::is_floating_point_v<T>) {
    return json::object{{"type", "number"}};
  } else if constexpr (std::is_same_v<T, std::string>) {
    return json::object{{"type", "string"}};
  } else if constexpr (HasCustomSchema<T>) {
    return registry.reference(SchemaName<T>::get(), [] { return T::json_schema(); });
  } else if constexpr (std::is_same_v<T, RawJson> || std::is_same_v<T, json::value>) {
    return json::object{
        {"description", "Any JSON value: null, a boolean, a number, a string, an array or an object."}};
  } else if constexpr (is_optional<T>::value) {
    return schema_of<typename T::value_type>(registry);
  } else if constexpr (is_vector<T>::value) {
    return json::object{{"type", "array"}, {"items", schema_of<typename T::value_type>(registry)}};
  } else if constexpr (is_string_map<T>::value) {
    return json::object{{"type", "object"},
                        {"additionalProperties", schema_of<typename T::mapped_type>(registry)}};
  } else if constexpr (is_described_enum_v<T>) {
    return registry.reference(SchemaName<T>::get(), [] {
      json::array names;
      boost::mp11::mp_for_each<boost::describe::describe_enumerators<T>>(
          [&](auto enumerator) { names.emplace_back(enumerator.name); });
      json::object schema{{"type", "string"}, {"enum", std::move(names)}};
      detail::describe<T>(schema);
      return schema;
    });
  } else {
    static_assert(is_described_struct_v<T>, "describe the type with BOOST_DESCRIBE_STRUCT");
    return registry.reference(SchemaName<T>::get(), [&registry] {
      json::object properties;
      json::array required;
      boost::mp11::mp_for_each<members_of<T>>([&](auto member) {
        using Field = std::decay_t<decltype(std::declval<T&>().*member.pointer)>;
        properties[member.name] = schema_of<Field>(registry);
        if (!is_optional<Field>::value) required.emplace_back(member.name);
      });
      json::object schema{{"type", "object"}};
      detail::describe<T>(schema);
      schema["properties"] = std::move(properties);
      if (!required.empty()) schema["required"] = std::move(required);
      schema["additionalProperties"] = false;
      return schema;
    });
  }
}

}  // namespace backend::api
