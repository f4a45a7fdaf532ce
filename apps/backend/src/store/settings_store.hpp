#pragma once
// The settings store: a key -> JSON value map kept in SQLite (<data dir>/settings.db).
//
// Durability promise: a write's completion callback runs only after the transaction holding it is committed
// with WAL and synchronous=FULL, so an answered write survives a crash or a SIGKILL. Nothing the user stored
// is ever deleted to "recover": a file that is not a readable database is renamed aside, never removed.
//
// Threads: the I/O thread reads the committed state from memory (find, entries, changes_since) and never
// touches SQLite; one writer thread owns the SQLite connection, takes every queued write into one transaction
// (group commit: one fsync for all of them), and hands the results back to the I/O thread.
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "log/logger.hpp"
#include "platform/path_text.hpp"

namespace backend::store {

using Revision = std::int64_t;

struct Entry {
  std::string value;  // the JSON text, exactly as stored
  Revision revision = 0;
};

enum class ChangeKind { changed, deleted, cleared };

struct Change {
  Revision revision = 0;
  ChangeKind kind = ChangeKind::changed;
  std::string key;    // empty for cleared
  std::string value;  // JSON text, for changed only
};

struct Write {
  enum class Op { put, erase, clear };
  Op op = Op::put;
  std::string key;
  std::string value;                 // put: the JSON text to store
  std::optional<Revision> if_match;  // put: refused unless the entry exists at this revision
  bool if_none_match_any = false;    // put: refused if the entry exists (create-only)
};

enum class WriteStatus {
  ok,
  not_found,            // erase of an absent key
  precondition_failed,  // if_match / if_none_match_any
  full,                 // SQLITE_FULL: disk full or the size cap
  failed,               // any other storage error (read-only file, I/O error)
};

struct WriteResult {
  WriteStatus status = WriteStatus::ok;
  Revision revision = 0;  // ok: the revision of this change
};

// The largest value a put stores; a longer one fails (WriteStatus::failed) without touching the store.
inline constexpr std::size_t kMaxValueBytes = std::size_t{1} << 20;

struct OpenOptions {
  platform::NativePath dir;     // the data folder, already created
  std::uint64_t max_bytes = 0;  // 0: no cap (else PRAGMA max_page_count)
  std::size_t change_log_size = 1000;
  // The change log also keeps at most this many bytes of keys and values (values can be 1 MiB each).
  std::size_t change_log_max_bytes = std::size_t{16} << 20;
};

enum class OpenErrorKind {
  newer_schema,  // written by a newer backend: left untouched
  locked,        // another backend holds the store
  failed,        // cannot create or open the file
};

struct OpenError {
  OpenErrorKind kind;
  std::string message;  // names the file
};

class SettingsStore {
 public:
  using Entries = std::map<std::string, Entry, std::less<>>;

  // Opens or creates <dir>/settings.db, migrates it forward, loads it into memory and starts the writer
  // thread.
  static std::variant<std::unique_ptr<SettingsStore>, OpenError> open(boost::asio::io_context& io,
                                                                      const OpenOptions& options,
                                                                      Logger& log);
  ~SettingsStore();  // finishes the queued writes, then joins the writer thread

  // I/O thread only: the committed state.
  const Entry* find(std::string_view key) const;
  const Entries& entries() const;
  Revision revision() const;
  // The committed changes after `after`, oldest first; nullopt when the log no longer reaches back that far
  // or `after` is newer than the store.
  std::optional<std::vector<const Change*>> changes_since(Revision after) const;

  // Queues a write. `done` runs later on the I/O thread, once the transaction holding it is durable (or has
  // failed); the in-memory state and the change listeners are updated before it runs.
  void submit(Write write, std::function<void(const WriteResult&)> done);
  // Runs on the I/O thread for every committed change, in revision order.
  void on_change(std::function<void(const Change&)> listener);

  // For tests and stats: how many write transactions have committed since open (one per group commit).
  std::uint64_t commits() const;

 private:
  struct Impl;
  explicit SettingsStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace backend::store
