#pragma once
#include <string_view>

namespace backend {

// packages/shared/openapi.json, embedded at build time.
std::string_view openapi_document();

}  // namespace backend
