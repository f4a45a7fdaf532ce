#pragma once
// The server's route table: every feature's routes, in one place. A new feature adds its endpoints() here.
#include <string>

#include "api/route_table.hpp"

namespace backend::app {

const api::RouteTable& route_table();
// The OpenAPI document of that table, generated once.
const std::string& openapi_document();

}  // namespace backend::app
