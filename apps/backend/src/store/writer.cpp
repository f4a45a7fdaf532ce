#include "store/writer.hpp"

namespace backend::store {
namespace {

int kind_code(ChangeKind kind) {
  return static_cast<int>(kind);
}

}  // namespace

Writer::Writer(sqlite::Db db, Revision revision, Revision log_start,
               std::deque<std::pair<Revision, std::size_t>> log, LogLimits limits)
    : db_(std::move(db)),
      revision_(revision),
      log_start_(log_start),
      saved_revision_(revision),
      saved_log_start_(log_start),
      log_(std::move(log)),
      limits_(limits) {
  for (const auto& [revision_of_change, bytes] : log_)
    log_bytes_ += bytes;
}

std::optional<std::string> Writer::prepare() {
  struct Sql {
    sqlite::Stmt* stmt;
    const char* text;
  };
  for (auto [stmt, text] : {
           Sql{&begin_, "BEGIN IMMEDIATE"},
           Sql{&commit_, "COMMIT"},
           Sql{&rollback_, "ROLLBACK"},
           Sql{&find_, "SELECT revision FROM entries WHERE key = ?1"},
           Sql{&upsert_,
               "INSERT INTO entries (key, value, revision) VALUES (?1, ?2, ?3) "
               "ON CONFLICT (key) DO UPDATE SET value = excluded.value, revision = excluded.revision"},
           Sql{&erase_, "DELETE FROM entries WHERE key = ?1"},
           Sql{&clear_, "DELETE FROM entries"},
           Sql{&add_change_, "INSERT INTO changes (revision, kind, key, value) VALUES (?1, ?2, ?3, ?4)"},
           Sql{&trim_changes_, "DELETE FROM changes WHERE revision <= ?1"},
           Sql{&set_meta_, "UPDATE meta SET value = ?2 WHERE name = ?1"},
       }) {
    int rc = sqlite::prepare(db_.get(), text, *stmt);
    if (rc != SQLITE_OK)
      return std::string("preparing \"") + text + "\": " + sqlite::error_text(db_.get(), rc);
  }
  return std::nullopt;
}

BatchResult Writer::run(std::vector<Write>& batch) {
  BatchResult result;
  result.outcomes.resize(batch.size());
  // Restored if the transaction fails: the counter never skips or repeats a committed revision.
  auto revision = revision_;
  auto log_start = log_start_;
  auto log = log_;
  auto log_bytes = log_bytes_;

  auto step = [&](sqlite::Stmt& stmt) -> std::optional<Failure> {
    sqlite::ResetOnExit reset{stmt.get()};
    int rc = sqlite3_step(stmt.get());
    if (rc != SQLITE_DONE) return Failure{rc, sqlite3_sql(stmt.get())};
    return std::nullopt;
  };

  auto failure = step(begin_);
  for (std::size_t i = 0; !failure && i < batch.size(); ++i)
    failure = apply(batch[i], result.outcomes[i]);
  if (!failure) failure = finish_batch();
  if (!failure) failure = step(commit_);

  if (!failure) {
    saved_revision_ = revision_;
    saved_log_start_ = log_start_;
    result.committed = true;
    result.log_start = log_start_;
    return result;
  }
  if (sqlite3_get_autocommit(db_.get()) == 0) {
    sqlite::ResetOnExit reset{rollback_.get()};
    sqlite3_step(rollback_.get());
  }
  revision_ = revision;
  log_start_ = log_start;
  log_ = std::move(log);
  log_bytes_ = log_bytes;
  auto status = (failure->rc & 0xff) == SQLITE_FULL ? WriteStatus::full : WriteStatus::failed;
  for (auto& outcome : result.outcomes)
    outcome = Outcome{WriteResult{status, 0}, std::nullopt};
  result.error = failure->what + ": " + sqlite::error_text(db_.get(), failure->rc);
  return result;
}

std::optional<Writer::Failure> Writer::apply(Write& write, Outcome& outcome) {
  auto fail = [&](sqlite::Stmt& stmt, int rc) { return Failure{rc, sqlite3_sql(stmt.get())}; };

  switch (write.op) {
    case Write::Op::put: {
      if (write.value.size() > kMaxValueBytes) {
        outcome.result.status = WriteStatus::failed;
        return std::nullopt;
      }
      std::optional<Revision> current;
      {
        sqlite::ResetOnExit reset{find_.get()};
        sqlite::bind_text(find_.get(), 1, write.key);
        int rc = sqlite3_step(find_.get());
        if (rc == SQLITE_ROW) {
          current = sqlite3_column_int64(find_.get(), 0);
        } else if (rc != SQLITE_DONE) {
          return fail(find_, rc);
        }
      }
      if ((write.if_match && current != write.if_match) || (write.if_none_match_any && current)) {
        outcome.result.status = WriteStatus::precondition_failed;
        return std::nullopt;
      }
      Change change{revision_ + 1, ChangeKind::changed, std::move(write.key), std::move(write.value)};
      {
        sqlite::ResetOnExit reset{upsert_.get()};
        sqlite::bind_text(upsert_.get(), 1, change.key);
        sqlite::bind_text(upsert_.get(), 2, change.value);
        sqlite3_bind_int64(upsert_.get(), 3, change.revision);
        int rc = sqlite3_step(upsert_.get());
        if (rc != SQLITE_DONE) return fail(upsert_, rc);
      }
      if (auto failure = record(change)) return failure;
      outcome.result = {WriteStatus::ok, change.revision};
      outcome.change = std::move(change);
      return std::nullopt;
    }
    case Write::Op::erase: {
      {
        sqlite::ResetOnExit reset{erase_.get()};
        sqlite::bind_text(erase_.get(), 1, write.key);
        int rc = sqlite3_step(erase_.get());
        if (rc != SQLITE_DONE) return fail(erase_, rc);
      }
      if (sqlite3_changes64(db_.get()) == 0) {
        outcome.result.status = WriteStatus::not_found;
        return std::nullopt;
      }
      Change change{revision_ + 1, ChangeKind::deleted, std::move(write.key), {}};
      if (auto failure = record(change)) return failure;
      outcome.result = {WriteStatus::ok, change.revision};
      outcome.change = std::move(change);
      return std::nullopt;
    }
    case Write::Op::clear: {
      {
        sqlite::ResetOnExit reset{clear_.get()};
        int rc = sqlite3_step(clear_.get());
        if (rc != SQLITE_DONE) return fail(clear_, rc);
      }
      // Clearing an empty store changes nothing: no new revision.
      if (sqlite3_changes64(db_.get()) == 0) {
        outcome.result = {WriteStatus::ok, revision_};
        return std::nullopt;
      }
      Change change{revision_ + 1, ChangeKind::cleared, {}, {}};
      if (auto failure = record(change)) return failure;
      outcome.result = {WriteStatus::ok, change.revision};
      outcome.change = std::move(change);
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// Appends a change to the log table and takes its revision.
std::optional<Writer::Failure> Writer::record(Change& change) {
  sqlite::ResetOnExit reset{add_change_.get()};
  sqlite3_bind_int64(add_change_.get(), 1, change.revision);
  sqlite3_bind_int(add_change_.get(), 2, kind_code(change.kind));
  sqlite::bind_text(add_change_.get(), 3, change.key);
  if (change.kind == ChangeKind::changed) sqlite::bind_text(add_change_.get(), 4, change.value);
  int rc = sqlite3_step(add_change_.get());
  if (rc != SQLITE_DONE) return Failure{rc, "INSERT INTO changes"};
  revision_ = change.revision;
  auto bytes = change.key.size() + change.value.size();
  log_.emplace_back(change.revision, bytes);
  log_bytes_ += bytes;
  return std::nullopt;
}

void Writer::trim_log() {
  while (!log_.empty() && (log_.size() > limits_.changes || log_bytes_ > limits_.bytes)) {
    log_start_ = log_.front().first;
    log_bytes_ -= log_.front().second;
    log_.pop_front();
  }
}

// The batch's bookkeeping, in the same transaction: the trimmed change log and the counters.
std::optional<Writer::Failure> Writer::finish_batch() {
  trim_log();
  auto set_meta = [&](const char* name, Revision value) -> std::optional<Failure> {
    sqlite::ResetOnExit reset{set_meta_.get()};
    sqlite::bind_text(set_meta_.get(), 1, name);
    sqlite3_bind_int64(set_meta_.get(), 2, value);
    int rc = sqlite3_step(set_meta_.get());
    if (rc != SQLITE_DONE) return Failure{rc, "UPDATE meta"};
    return std::nullopt;
  };
  if (log_start_ != saved_log_start_) {
    {
      sqlite::ResetOnExit reset{trim_changes_.get()};
      sqlite3_bind_int64(trim_changes_.get(), 1, log_start_);
      int rc = sqlite3_step(trim_changes_.get());
      if (rc != SQLITE_DONE) return Failure{rc, "DELETE FROM changes"};
    }
    if (auto failure = set_meta("log_start", log_start_)) return failure;
  }
  if (revision_ != saved_revision_) return set_meta("revision", revision_);
  return std::nullopt;
}

}  // namespace backend::store
