#pragma once
// Opening <dir>/settings.db: the lock against a second backend, the schema check, moving a corrupt or foreign
// file aside, the durability pragmas, the migrations, and loading the committed state.
#include <deque>
#include <variant>

#include "log/logger.hpp"
#include "store/settings_store.hpp"
#include "store/sqlite_handle.hpp"

namespace backend::store {

inline constexpr const char* kFileName = "settings.db";

struct OpenedDatabase {
  sqlite::Db db;
  SettingsStore::Entries entries;
  std::deque<Change> log;  // oldest first
  Revision revision = 0;
  Revision log_start = 0;
};

std::variant<OpenedDatabase, OpenError> open_database(const OpenOptions& options, Logger& log);

}  // namespace backend::store
