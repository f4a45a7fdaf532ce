#pragma once
// JSON with two-space indentation, as JSON.stringify(value, null, 2) writes it: the checked-in document diffs
// line by line.
#include <boost/json/value.hpp>
#include <string>

namespace backend::api {

void write_pretty(std::string& out, const boost::json::value& value, int indent = 0);

}  // namespace backend::api
