#pragma once
// The writer thread's side of the store: it owns the SQLite connection and turns a batch of queued writes
// into one transaction (group commit: one fsync for the whole batch).
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/settings_store.hpp"
#include "store/sqlite_handle.hpp"

namespace backend::store {

// What one write did, handed back to the I/O thread in submission order.
struct Outcome {
  WriteResult result;
  std::optional<Change> change;  // set when the write changed the store
};

struct BatchResult {
  std::vector<Outcome> outcomes;
  bool committed = false;
  Revision log_start = 0;  // committed: every change after it is still in the log
  std::string error;       // not committed: why, for the log
};

struct LogLimits {
  std::size_t changes = 1000;
  std::size_t bytes = 0;  // keys and values of the changes kept
};

class Writer {
 public:
  // `log` is the change log as loaded (revision, key and value sizes), oldest first.
  Writer(sqlite::Db db, Revision revision, Revision log_start,
         std::deque<std::pair<Revision, std::size_t>> log, LogLimits limits);

  // Prepares the statements; at open, before the writer thread starts. Returns an error message on failure.
  std::optional<std::string> prepare();

  // One transaction for the whole batch: preconditions are checked in order against the database, each write
  // sees the ones before it. If the transaction fails, every write of the batch fails and nothing changes.
  BatchResult run(std::vector<Write>& batch);

 private:
  struct Failure {
    int rc;
    std::string what;
  };
  std::optional<Failure> apply(Write& write, Outcome& outcome);
  std::optional<Failure> record(Change& change);
  std::optional<Failure> finish_batch();
  void trim_log();

  sqlite::Db db_;
  Revision revision_;
  Revision log_start_;
  Revision saved_revision_;  // the values in the meta table
  Revision saved_log_start_;
  std::deque<std::pair<Revision, std::size_t>> log_;
  std::size_t log_bytes_ = 0;
  LogLimits limits_;

  sqlite::Stmt begin_, commit_, rollback_;
  sqlite::Stmt find_, upsert_, erase_, clear_;
  sqlite::Stmt add_change_, trim_changes_, set_meta_;
};

}  // namespace backend::store
