#pragma once
// The OpenAPI 3.1 document, generated from the route table: `backend --openapi` prints it, GET /openapi.json
// serves it, and packages/shared/openapi.json is a checked-in copy that the tests compare with it.
#include <string>
#include <string_view>

#include "api/route_table.hpp"

namespace backend::api {

// Pretty-printed (two-space indent) and ending in a newline, as the checked-in file is.
std::string openapi_document(const RouteTable& routes, std::string_view app_version);

}  // namespace backend::api
