#pragma once
// RAII for SQLite's handles and the few calls the store makes with them. Errors are SQLite result codes.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace backend::store::sqlite {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;

struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

// The connection's last error, for a message.
inline std::string error_text(sqlite3* db, int rc) {
  std::string text = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return text + " (code " + std::to_string(rc) + ")";
}

inline int prepare(sqlite3* db, std::string_view sql, Stmt& out) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                              nullptr);
  out.reset(stmt);
  return rc;
}

// Runs statements that return no rows needed by the caller.
inline int exec(sqlite3* db, const char* sql) {
  return sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
}

// Binds text by length: the bytes go in exactly, NULs and all. SQLITE_TRANSIENT is not needed, the caller
// keeps the text alive until the statement is reset.
inline int bind_text(sqlite3_stmt* stmt, int index, std::string_view text) {
  return sqlite3_bind_text64(stmt, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
}

inline std::string column_text(sqlite3_stmt* stmt, int column) {
  const auto* bytes = static_cast<const char*>(sqlite3_column_blob(stmt, column));
  auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt, column));
  return bytes != nullptr ? std::string(bytes, size) : std::string();
}

// Resets a statement for its next use and drops its bindings (which point at the caller's text).
struct ResetOnExit {
  sqlite3_stmt* stmt;
  ~ResetOnExit() {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
  }
};

// One integer from a single-row query (a PRAGMA, a count); returns the result code of the step.
inline int query_int(sqlite3* db, const char* sql, std::int64_t& out) {
  Stmt stmt;
  int rc = prepare(db, sql, stmt);
  if (rc != SQLITE_OK) return rc;
  rc = sqlite3_step(stmt.get());
  if (rc == SQLITE_ROW) {
    out = sqlite3_column_int64(stmt.get(), 0);
    return SQLITE_OK;
  }
  return rc == SQLITE_DONE ? SQLITE_ERROR : rc;
}

// One text from a single-row query, e.g. PRAGMA journal_mode or quick_check's first line.
inline int query_text(sqlite3* db, const char* sql, std::string& out) {
  Stmt stmt;
  int rc = prepare(db, sql, stmt);
  if (rc != SQLITE_OK) return rc;
  rc = sqlite3_step(stmt.get());
  if (rc == SQLITE_ROW) {
    out = column_text(stmt.get(), 0);
    return SQLITE_OK;
  }
  return rc == SQLITE_DONE ? SQLITE_ERROR : rc;
}

}  // namespace backend::store::sqlite
