#include "store/database_open.hpp"

#include "platform/path_text.hpp"

#include <array>
#include <chrono>
#include <cstdio>
#include <system_error>

#include "store/schema.hpp"

namespace backend::store {
namespace {

using platform::NativePath;

// A backend that is shutting down may still hold the file for a moment when the app restarts it.
constexpr int kBusyTimeoutMs = 2000;

// SQLite's own companions of a database file, moved with it.
constexpr std::array<const char*, 3> kCompanions = {"-wal", "-shm", "-journal"};

std::string utf8(const NativePath& path) {
  return platform::path_to_utf8(path);
}

// Calendar arithmetic and digits written by hand, not gmtime_r/strftime or snprintf: those pull the C
// library's time-zone code and (MinGW) its whole printf and floating-point formatting into the static binary
// for one file name, e.g. "20261125T164300Z".
std::string utc_stamp() {
  using namespace std::chrono;
  const auto now = floor<seconds>(system_clock::now());
  const auto day = floor<days>(now);
  const year_month_day date{day};
  const auto second = static_cast<int>((now - day).count());  // of the day
  std::string text;
  auto digits = [&text](int value, int width) {
    std::string part = std::to_string(value);
    if (static_cast<int>(part.size()) < width)
      text.append(static_cast<std::size_t>(width) - part.size(), '0');
    text += part;
  };
  digits(static_cast<int>(date.year()), 4);
  digits(static_cast<int>(static_cast<unsigned>(date.month())), 2);
  digits(static_cast<int>(static_cast<unsigned>(date.day())), 2);
  text += 'T';
  digits(second / 3600, 2);
  digits(second / 60 % 60, 2);
  digits(second % 60, 2);
  text += 'Z';
  return text;
}

// Why a try failed: refused for good, or the file is not ours and goes aside.
struct Corrupt {
  std::string reason;
};
using Attempt = std::variant<OpenedDatabase, OpenError, Corrupt>;

bool is_corruption(int rc) {
  return (rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT;
}

bool is_lock(int rc) {
  return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

// Sorts an error from the checks before anything is written.
Attempt classify(sqlite3* db, int rc, const NativePath& path, std::string_view step) {
  auto text = sqlite::error_text(db, rc);
  if (is_corruption(rc)) return Corrupt{std::string(step) + ": " + text};
  if (is_lock(rc)) {
    return OpenError{OpenErrorKind::locked,
                     utf8(path) + " is in use by another backend (" + std::string(step) + ": " + text + ")"};
  }
  return OpenError{OpenErrorKind::failed,
                   "cannot open " + utf8(path) + " (" + std::string(step) + ": " + text + ")"};
}

// The schema version in the file's header, read without SQLite, which would create an empty -wal beside it.
// (When a -wal exists, a newer page 1 may be in it: SQLite's own check below covers that case.)
std::optional<std::int64_t> header_user_version(const NativePath& path) {
  constexpr std::string_view kMagic{"SQLite format 3\0", 16};
  constexpr std::size_t kUserVersionOffset = 60;
  // C stdio, not <fstream>: iostreams would pull half a megabyte of locale code into the static binary.
  std::FILE* file = platform::open_file(path, "rb");
  if (file == nullptr) return std::nullopt;
  char header[100];
  auto got = std::fread(header, 1, sizeof header, file);
  std::fclose(file);
  if (got != sizeof header || std::string_view(header, kMagic.size()) != kMagic) return std::nullopt;
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i)
    value = (value << 8) | static_cast<unsigned char>(header[kUserVersionOffset + i]);
  return static_cast<std::int32_t>(value);
}

OpenError newer_schema(const NativePath& path, std::int64_t version) {
  return OpenError{OpenErrorKind::newer_schema, utf8(path) + " was written by a newer backend (schema " +
                                                    std::to_string(version) + ", this backend knows up to " +
                                                    std::to_string(kSchemaVersion) +
                                                    "); it was left untouched"};
}

std::variant<std::monostate, OpenError> load(sqlite3* db, const OpenOptions& options, OpenedDatabase& out,
                                             const NativePath& path) {
  auto failed = [&](int rc, std::string_view what) {
    return OpenError{OpenErrorKind::failed, "cannot read " + utf8(path) + " (" + std::string(what) + ": " +
                                                sqlite::error_text(db, rc) + ")"};
  };
  int rc = sqlite::query_int(db, "SELECT value FROM meta WHERE name = 'revision'", out.revision);
  if (rc != SQLITE_OK) return failed(rc, "revision");
  rc = sqlite::query_int(db, "SELECT value FROM meta WHERE name = 'log_start'", out.log_start);
  if (rc != SQLITE_OK) return failed(rc, "log_start");

  sqlite::Stmt stmt;
  rc = sqlite::prepare(db, "SELECT key, value, revision FROM entries", stmt);
  if (rc != SQLITE_OK) return failed(rc, "entries");
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    out.entries.insert_or_assign(
        sqlite::column_text(stmt.get(), 0),
        Entry{sqlite::column_text(stmt.get(), 1), sqlite3_column_int64(stmt.get(), 2)});
  }
  if (rc != SQLITE_DONE) return failed(rc, "entries");

  rc = sqlite::prepare(db, "SELECT revision, kind, key, value FROM changes ORDER BY revision", stmt);
  if (rc != SQLITE_OK) return failed(rc, "changes");
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    auto kind = sqlite3_column_int(stmt.get(), 1);
    if (kind < 0 || kind > static_cast<int>(ChangeKind::cleared))
      return failed(SQLITE_CORRUPT, "change kind");
    out.log.push_back(Change{sqlite3_column_int64(stmt.get(), 0), static_cast<ChangeKind>(kind),
                             sqlite::column_text(stmt.get(), 2), sqlite::column_text(stmt.get(), 3)});
  }
  if (rc != SQLITE_DONE) return failed(rc, "changes");
  // A smaller log size than the file was written with: the writer trims the table at its next transaction.
  while (out.log.size() > options.change_log_size) {
    out.log_start = out.log.front().revision;
    out.log.pop_front();
  }
  return std::monostate{};
}

Attempt try_open(const NativePath& path, const OpenOptions& options) {
  if (auto version = header_user_version(path); version && *version > kSchemaVersion)
    return newer_schema(path, *version);

  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(
      utf8(path).c_str(), &raw,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, nullptr);
  sqlite::Db db(raw);
  if (rc != SQLITE_OK) return classify(raw, rc, path, "open");
  sqlite3_extended_result_codes(raw, 1);
  // Until the file is known to be ours, closing must not checkpoint: a newer backend's or a corrupt file's
  // WAL stays as it was.
  sqlite3_db_config(raw, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);

  // One backend per folder: the exclusive lock is taken by the first write below and held until close, so a
  // second backend's first read gets SQLITE_BUSY. It also keeps WAL's index in this process's memory (no
  // -shm).
  rc = sqlite::exec(raw, "PRAGMA locking_mode = EXCLUSIVE");
  if (rc != SQLITE_OK) return classify(raw, rc, path, "locking_mode");

  // The version first, before anything could write: a newer backend's file is left exactly as it is.
  std::int64_t version = 0;
  rc = sqlite::query_int(raw, "PRAGMA user_version", version);
  if (rc != SQLITE_OK) return classify(raw, rc, path, "user_version");
  if (version > kSchemaVersion) return newer_schema(path, version);
  if (version < 0) return Corrupt{"user_version " + std::to_string(version)};

  std::string check;
  rc = sqlite::query_text(raw, "PRAGMA quick_check", check);
  if (rc != SQLITE_OK) return classify(raw, rc, path, "quick_check");
  if (check != "ok") return Corrupt{"quick_check: " + check};

  if (version == 0) {
    // A database, but not one of ours (another program's tables): not ours to change.
    std::int64_t objects = 0;
    rc = sqlite::query_int(raw, "SELECT count(*) FROM sqlite_schema", objects);
    if (rc != SQLITE_OK) return classify(raw, rc, path, "schema");
    if (objects > 0) return Corrupt{"an SQLite database with unknown tables and no schema version"};
  }

  std::string mode;
  rc = sqlite::query_text(raw, "PRAGMA journal_mode = WAL", mode);
  if (rc != SQLITE_OK) return classify(raw, rc, path, "journal_mode");
  if (mode != "wal") {
    return OpenError{OpenErrorKind::failed,
                     "cannot open " + utf8(path) + ": WAL mode refused (" + mode + ")"};
  }
  rc = sqlite::exec(raw, "PRAGMA synchronous = FULL");
  if (rc != SQLITE_OK) return classify(raw, rc, path, "synchronous");
  if (options.max_bytes > 0) {
    std::int64_t page_size = 4096;
    sqlite::query_int(raw, "PRAGMA page_size", page_size);
    auto pages = std::max<std::uint64_t>(1, options.max_bytes / static_cast<std::uint64_t>(page_size));
    auto pragma = "PRAGMA max_page_count = " + std::to_string(pages);
    rc = sqlite::exec(raw, pragma.c_str());
    if (rc != SQLITE_OK) return classify(raw, rc, path, "max_page_count");
  }

  // The first write takes the lock for good; migrations (if any) ride in it.
  rc = sqlite::exec(raw, "BEGIN IMMEDIATE");
  if (rc != SQLITE_OK) return classify(raw, rc, path, "BEGIN");
  std::string error;
  rc = migrate(raw, version, error);
  if (rc == SQLITE_OK) rc = sqlite::exec(raw, "COMMIT");
  if (rc != SQLITE_OK) {
    sqlite::exec(raw, "ROLLBACK");
    return OpenError{OpenErrorKind::failed, "cannot prepare " + utf8(path) + ": " +
                                                (error.empty() ? sqlite::error_text(raw, rc) : error)};
  }
  sqlite3_db_config(raw, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, nullptr);

  OpenedDatabase opened;
  auto loaded = load(raw, options, opened, path);
  if (auto* failure = std::get_if<OpenError>(&loaded)) return *failure;
  opened.db = std::move(db);
  return opened;
}

// Renames the file and its companions to <name>.corrupt-<UTC time>[-N]; never deletes anything.
std::variant<NativePath, OpenError> move_aside(const NativePath& path) {
  auto base = platform::filename_of(path) + ".corrupt-" + utc_stamp();
  auto folder = platform::parent_of(path);
  auto target = platform::join(folder, base);
  for (int n = 2; platform::exists(target) && n < 1000; ++n)
    target = platform::join(folder, base + "-" + std::to_string(n));
  if (auto ec = platform::rename_path(path, target)) {
    return OpenError{OpenErrorKind::failed,
                     "cannot move the unreadable " + utf8(path) + " aside: " + ec.message()};
  }
  for (const char* suffix : kCompanions) {
    NativePath companion = path;
    companion += platform::path_from_utf8(suffix);
    NativePath moved = target;
    moved += platform::path_from_utf8(suffix);
    if (platform::exists(companion)) platform::rename_path(companion, moved);
  }
  return target;
}

}  // namespace

std::variant<OpenedDatabase, OpenError> open_database(const OpenOptions& options, Logger& log) {
  auto path = platform::join(options.dir, kFileName);
  for (int tries = 0;; ++tries) {
    auto attempt = try_open(path, options);
    if (auto* opened = std::get_if<OpenedDatabase>(&attempt)) return std::move(*opened);
    if (auto* error = std::get_if<OpenError>(&attempt)) return *error;
    auto reason = std::get<Corrupt>(attempt).reason;
    if (tries > 0) {
      return OpenError{OpenErrorKind::failed, "a fresh " + utf8(path) + " is unreadable too: " + reason};
    }
    auto moved = move_aside(path);
    if (auto* error = std::get_if<OpenError>(&moved)) return *error;
    log.error("settings store: " + utf8(path) + " is not a readable settings database (" + reason +
              "); moved it to " + utf8(std::get<NativePath>(moved)) + " and started an empty store");
  }
}

}  // namespace backend::store
