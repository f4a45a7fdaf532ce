#pragma once
// The data folder (BACKEND_DATA_DIR): created private to the user if missing, and checked to be writable
// before the store opens in it, so a bad folder is reported as configuration, naming the variable and the
// path.
#include <optional>
#include <string>
#include "platform/path_text.hpp"

namespace backend::store {

// Returns why the folder cannot be used, or nullopt when it exists (created 0700 on POSIX if it did not) and
// a file can be created in it.
std::optional<std::string> prepare_data_dir(const platform::NativePath& dir);

}  // namespace backend::store
