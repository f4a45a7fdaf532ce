#include "api/json_pretty.hpp"

#include <boost/json/serialize.hpp>

namespace backend::api {

void write_pretty(std::string& out, const boost::json::value& value, int indent) {
  auto newline = [&](int depth) {
    out += '\n';
    out.append(static_cast<std::size_t>(depth) * 2, ' ');
  };
  if (value.is_object() && !value.get_object().empty()) {
    out += '{';
    bool first = true;
    for (const auto& item : value.get_object()) {
      if (!first) out += ',';
      first = false;
      newline(indent + 1);
      out += boost::json::serialize(item.key());
      out += ": ";
      write_pretty(out, item.value(), indent + 1);
    }
    newline(indent);
    out += '}';
  } else if (value.is_array() && !value.get_array().empty()) {
    out += '[';
    bool first = true;
    for (const auto& item : value.get_array()) {
      if (!first) out += ',';
      first = false;
      newline(indent + 1);
      write_pretty(out, item, indent + 1);
    }
    newline(indent);
    out += ']';
  } else {
    out += boost::json::serialize(value);
  }
}

}  // namespace backend::api
