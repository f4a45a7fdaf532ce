#pragma once
// The store's tables, versioned by PRAGMA user_version and changed only by forward migrations.
#include <sqlite3.h>

#include <cstdint>
#include <string>

namespace backend::store {

// The newest schema this binary knows. A file with a higher user_version was written by a newer backend and
// is never opened for writing.
inline constexpr std::int64_t kSchemaVersion = 1;

// Runs the migrations from `from` up to kSchemaVersion, then sets user_version, inside the caller's write
// transaction. Returns an SQLite result code; `error` names the failing step.
int migrate(sqlite3* db, std::int64_t from, std::string& error);

}  // namespace backend::store
