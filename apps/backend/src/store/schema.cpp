#include "store/schema.hpp"

#include <array>

#include "store/sqlite_handle.hpp"

namespace backend::store {
namespace {

// Migration i takes the schema from version i to i + 1. Append only: a released step is never edited, since
// files in the field were made by it.
constexpr std::array<const char*, kSchemaVersion> kMigrations = {
    // 0 -> 1: the entries; the store-wide counters (meta: 'revision', the last one given out, and
    // 'log_start',
    // after which every change is still in `changes`); the recent changes, for clients catching up.
    R"sql(
      CREATE TABLE entries (
        key TEXT PRIMARY KEY NOT NULL,
        value TEXT NOT NULL,
        revision INTEGER NOT NULL
      );
      CREATE TABLE meta (
        name TEXT PRIMARY KEY NOT NULL,
        value INTEGER NOT NULL
      ) WITHOUT ROWID;
      INSERT INTO meta (name, value) VALUES ('revision', 0), ('log_start', 0);
      CREATE TABLE changes (
        revision INTEGER PRIMARY KEY,
        kind INTEGER NOT NULL,
        key TEXT NOT NULL,
        value TEXT
      );
    )sql",
};

}  // namespace

int migrate(sqlite3* db, std::int64_t from, std::string& error) {
  for (auto version = from; version < kSchemaVersion; ++version) {
    int rc = sqlite::exec(db, kMigrations[static_cast<std::size_t>(version)]);
    if (rc != SQLITE_OK) {
      error = "migration to schema " + std::to_string(version + 1) + ": " + sqlite::error_text(db, rc);
      return rc;
    }
  }
  if (from < kSchemaVersion) {
    auto pragma = "PRAGMA user_version = " + std::to_string(kSchemaVersion);
    int rc = sqlite::exec(db, pragma.c_str());
    if (rc != SQLITE_OK) {
      error = "setting user_version: " + sqlite::error_text(db, rc);
      return rc;
    }
  }
  return SQLITE_OK;
}

}  // namespace backend::store
