#pragma once
// The settings API: GET/PUT/DELETE /settings/{key}, GET/DELETE /settings. The whole API is this file's
// declarations; the store behind it is store/settings_store.hpp.
#include <vector>

#include "api/route.hpp"

namespace backend::settings {

inline constexpr api::TagDoc kTag{
    "settings",
    "A durable key-value store of JSON values in the app's data folder (SQLite, WAL, synchronous=FULL): an "
    "answered write is on disk."};

std::vector<api::Endpoint> endpoints();

}  // namespace backend::settings
