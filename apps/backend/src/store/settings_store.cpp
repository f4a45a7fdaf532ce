#include "store/settings_store.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "platform/thread_priority.hpp"
#include "platform/thread_wakeup.hpp"
#include "store/database_open.hpp"
#include "store/writer.hpp"

namespace backend::store {

struct SettingsStore::Impl {
  boost::asio::io_context& io;
  Logger& log;

  // I/O thread only: the committed state and the writes in flight.
  Entries entries;
  std::deque<Change> changes;  // oldest first; complete after log_start
  Revision revision = 0;
  Revision log_start = 0;
  std::uint64_t commits = 0;
  std::vector<std::function<void(const Change&)>> listeners;
  std::deque<std::function<void(const WriteResult&)>> waiting;  // one per write handed on, in order
  std::vector<Write> inbox;                                     // submitted in this turn of the loop
  bool flush_posted = false;
  std::shared_ptr<Impl*> self = std::make_shared<Impl*>(this);  // posted handlers hold a weak reference

  // Shared with the writer thread, under `mutex`.
  std::mutex mutex;
  std::condition_variable writer_wanted;
  std::vector<Write> queue;
  std::vector<BatchResult> results;
  bool stopping = false;

  platform::ThreadWakeup wakeup;
  std::unique_ptr<Writer> writer;  // used by the writer thread only, once it runs
  std::thread thread;

  Impl(boost::asio::io_context& context, Logger& logger)
      : io(context), log(logger), wakeup(context, [this] { on_wake(); }) {}

  ~Impl() {
    flush();
    {
      std::lock_guard lock(mutex);
      stopping = true;
    }
    writer_wanted.notify_one();
    if (thread.joinable()) thread.join();
  }

  // Writer thread: one transaction per wake, for everything queued meanwhile.
  void write_loop() {
    for (;;) {
      std::vector<Write> batch;
      {
        std::unique_lock lock(mutex);
        writer_wanted.wait(lock, [this] { return !queue.empty() || stopping; });
        if (queue.empty()) return;
        batch.swap(queue);
      }
      auto result = writer->run(batch);
      {
        std::lock_guard lock(mutex);
        results.push_back(std::move(result));
      }
      wakeup.notify();
    }
  }

  // I/O thread: hands the writes of this loop turn to the writer, so writes submitted together share a
  // transaction even when the writer is idle.
  void flush() {
    flush_posted = false;
    if (inbox.empty()) return;
    {
      std::lock_guard lock(mutex);
      for (auto& write : inbox)
        queue.push_back(std::move(write));
    }
    inbox.clear();
    writer_wanted.notify_one();
  }

  void on_wake() {
    std::vector<BatchResult> ready;
    {
      std::lock_guard lock(mutex);
      ready.swap(results);
    }
    for (auto& batch : ready)
      deliver(batch);
    if (!waiting.empty()) wakeup.arm();
  }

  void deliver(BatchResult& batch) {
    if (batch.committed) {
      ++commits;
      for (auto& outcome : batch.outcomes) {
        if (outcome.change) apply(*outcome.change);
      }
      while (!changes.empty() && changes.front().revision <= batch.log_start)
        changes.pop_front();
      log_start = std::max(log_start, batch.log_start);
    } else {
      log.error("settings store: a write transaction failed; " + std::to_string(batch.outcomes.size()) +
                " write(s) refused, nothing changed: " + batch.error);
    }
    for (auto& outcome : batch.outcomes) {
      auto done = std::move(waiting.front());
      waiting.pop_front();
      if (done) done(outcome.result);
    }
  }

  void apply(Change& change) {
    switch (change.kind) {
      case ChangeKind::changed:
        entries.insert_or_assign(change.key, Entry{change.value, change.revision});
        break;
      case ChangeKind::deleted:
        if (auto it = entries.find(change.key); it != entries.end()) entries.erase(it);
        break;
      case ChangeKind::cleared:
        entries.clear();
        break;
    }
    revision = change.revision;
    changes.push_back(std::move(change));
    for (auto& listener : listeners)
      listener(changes.back());
  }
};

std::variant<std::unique_ptr<SettingsStore>, OpenError> SettingsStore::open(boost::asio::io_context& io,
                                                                            const OpenOptions& options,
                                                                            Logger& log) {
  // Built with SQLITE_OMIT_AUTOINIT; repeated calls are no-ops.
  if (int rc = sqlite3_initialize(); rc != SQLITE_OK)
    return OpenError{OpenErrorKind::failed, std::string("cannot start SQLite: ") + sqlite3_errstr(rc)};

  auto opened = open_database(options, log);
  if (auto* error = std::get_if<OpenError>(&opened)) return *error;
  auto& db = std::get<OpenedDatabase>(opened);

  auto impl = std::make_unique<Impl>(io, log);
  if (auto error = impl->wakeup.open()) return OpenError{OpenErrorKind::failed, "settings store: " + *error};
  std::deque<std::pair<Revision, std::size_t>> sizes;
  for (const auto& change : db.log)
    sizes.emplace_back(change.revision, change.key.size() + change.value.size());
  impl->writer = std::make_unique<Writer>(std::move(db.db), db.revision, db.log_start, std::move(sizes),
                                          LogLimits{options.change_log_size, options.change_log_max_bytes});
  if (auto error = impl->writer->prepare())
    return OpenError{OpenErrorKind::failed, "settings store: " + *error};
  impl->entries = std::move(db.entries);
  impl->changes = std::move(db.log);
  impl->revision = db.revision;
  impl->log_start = db.log_start;
  impl->thread = std::thread([raw = impl.get()] {
    platform::lower_current_thread_priority();
    raw->write_loop();
  });
  return std::unique_ptr<SettingsStore>(new SettingsStore(std::move(impl)));
}

SettingsStore::SettingsStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SettingsStore::~SettingsStore() = default;

const Entry* SettingsStore::find(std::string_view key) const {
  auto it = impl_->entries.find(key);
  return it == impl_->entries.end() ? nullptr : &it->second;
}

const SettingsStore::Entries& SettingsStore::entries() const {
  return impl_->entries;
}

Revision SettingsStore::revision() const {
  return impl_->revision;
}

std::uint64_t SettingsStore::commits() const {
  return impl_->commits;
}

std::optional<std::vector<const Change*>> SettingsStore::changes_since(Revision after) const {
  if (after > impl_->revision || after < impl_->log_start) return std::nullopt;
  std::vector<const Change*> found;
  auto it = std::upper_bound(impl_->changes.begin(), impl_->changes.end(), after,
                             [](Revision value, const Change& change) { return value < change.revision; });
  for (; it != impl_->changes.end(); ++it)
    found.push_back(&*it);
  return found;
}

void SettingsStore::submit(Write write, std::function<void(const WriteResult&)> done) {
  auto& impl = *impl_;
  impl.inbox.push_back(std::move(write));
  impl.waiting.push_back(std::move(done));
  impl.wakeup.arm();
  if (impl.flush_posted) return;
  impl.flush_posted = true;
  boost::asio::post(impl.io, [self = std::weak_ptr<Impl*>(impl.self)] {
    if (auto alive = self.lock()) (*alive)->flush();
  });
}

void SettingsStore::on_change(std::function<void(const Change&)> listener) {
  impl_->listeners.push_back(std::move(listener));
}

}  // namespace backend::store
