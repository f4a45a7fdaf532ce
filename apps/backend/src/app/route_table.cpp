#include "app/route_table.hpp"

#include "api/openapi.hpp"
#include "app/app_info.hpp"
#include "settings/routes.hpp"
#include "system/routes.hpp"

namespace backend::app {
namespace {

template <typename... Lists>
std::vector<api::Endpoint> concat(Lists... lists) {
  std::vector<api::Endpoint> all;
  (std::move(lists.begin(), lists.end(), std::back_inserter(all)), ...);
  return all;
}

}  // namespace

const api::RouteTable& route_table() {
  static const api::RouteTable table(concat(system::endpoints(), settings::endpoints()),
                                     {system::kTag, settings::kTag});
  return table;
}

const std::string& openapi_document() {
  static const std::string document = api::openapi_document(route_table(), app_info::kVersion);
  return document;
}

}  // namespace backend::app
