#include "store/settings_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "store/schema.hpp"
#include "store_test_support.hpp"

namespace backend::store {
namespace {

using namespace testing;

OpenOptions options_for(const TempDir& dir) {
  OpenOptions options;
  options.dir = dir.path();
  return options;
}

// Runs SQL on a file directly, as another program would (SQLite is built with SQLITE_OMIT_AUTOINIT).
void raw_sql(const fs::path& file, const char* sql) {
  ASSERT_EQ(sqlite3_initialize(), SQLITE_OK);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.string().c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

TEST(SettingsStore, PutFindEraseAndClear) {
  TempDir dir;
  StoreHarness h(options_for(dir));
  auto& store = h.open();
  EXPECT_EQ(store.revision(), 0);
  EXPECT_EQ(store.find("a"), nullptr);

  auto put = h.put("a", R"({"x":[1,2,null]})");
  EXPECT_EQ(put.status, WriteStatus::ok);
  EXPECT_EQ(put.revision, 1);
  ASSERT_NE(store.find("a"), nullptr);
  EXPECT_EQ(store.find("a")->value, R"({"x":[1,2,null]})");
  EXPECT_EQ(store.find("a")->revision, 1);

  EXPECT_EQ(h.put("caf\xc3\xa9/menu", "null").revision, 2);
  EXPECT_EQ(h.put("a", "false").revision, 3);
  EXPECT_EQ(store.find("a")->value, "false");
  EXPECT_EQ(store.entries().size(), 2u);

  EXPECT_EQ(h.erase("a").revision, 4);
  EXPECT_EQ(store.find("a"), nullptr);
  EXPECT_EQ(h.erase("a").status, WriteStatus::not_found);
  EXPECT_EQ(store.revision(), 4);

  EXPECT_EQ(h.clear().revision, 5);
  EXPECT_TRUE(store.entries().empty());
  // Clearing an empty store changes nothing.
  auto again = h.clear();
  EXPECT_EQ(again.status, WriteStatus::ok);
  EXPECT_EQ(again.revision, 5);
  EXPECT_EQ(store.revision(), 5);
}

TEST(SettingsStore, AnIdleStoreLeavesNoWorkOnTheLoop) {
  TempDir dir;
  StoreHarness h(options_for(dir));
  h.open();
  // Nothing pending: the loop has nothing to wait for and returns at once (the server can exit, and no
  // timer or poll wakes an idle process).
  h.io().restart();
  EXPECT_EQ(h.io().run(), 0u);
  h.put("a", "1");
  h.io().restart();
  EXPECT_EQ(h.io().run(), 0u);
}

TEST(SettingsStore, KeepsValuesAndKeysByteForByteAcrossReopen) {
  TempDir dir;
  std::string key("k\0ey", 4);
  std::string value = "\"" + std::string(100'000, 'v') + "\xf0\x9f\x98\x80\"";
  {
    StoreHarness h(options_for(dir));
    h.open();
    ASSERT_EQ(h.put(key, value).status, WriteStatus::ok);
  }
  StoreHarness h(options_for(dir));
  auto& store = h.open();
  ASSERT_NE(store.find(key), nullptr);
  EXPECT_EQ(store.find(key)->value, value);
}

TEST(SettingsStore, RevisionNeverGoesBackAcrossReopenAndClear) {
  TempDir dir;
  {
    StoreHarness h(options_for(dir));
    h.open();
    h.put("a", "1");
    h.put("b", "2");
    EXPECT_EQ(h.clear().revision, 3);
  }
  StoreHarness h(options_for(dir));
  auto& store = h.open();
  EXPECT_EQ(store.revision(), 3);
  EXPECT_TRUE(store.entries().empty());
  EXPECT_EQ(h.put("a", "1").revision, 4);
}

TEST(SettingsStore, IfMatchAndIfNoneMatchAreCheckedAgainstTheStoredRevision) {
  TempDir dir;
  StoreHarness h(options_for(dir));
  auto& store = h.open();
  auto created = h.write(Write{Write::Op::put, "k", "1", std::nullopt, true});
  EXPECT_EQ(created.status, WriteStatus::ok);
  EXPECT_EQ(h.write(Write{Write::Op::put, "k", "2", std::nullopt, true}).status,
            WriteStatus::precondition_failed);
  EXPECT_EQ(h.write(Write{Write::Op::put, "k", "2", created.revision + 7}).status,
            WriteStatus::precondition_failed);
  EXPECT_EQ(h.write(Write{Write::Op::put, "absent", "2", 1}).status, WriteStatus::precondition_failed);
  EXPECT_EQ(store.find("k")->value, "1");
  EXPECT_EQ(store.revision(), created.revision);  // refused writes take no revision
  auto updated = h.write(Write{Write::Op::put, "k", "2", created.revision});
  EXPECT_EQ(updated.status, WriteStatus::ok);
  EXPECT_EQ(store.find("k")->value, "2");
}

TEST(SettingsStore, PreconditionsInOneBatchSeeTheWritesBeforeThem) {
  TempDir dir;
  StoreHarness h(options_for(dir));
  auto& store = h.open();
  std::vector<WriteResult> answers;
  auto record = [&](const WriteResult& r) { answers.push_back(r); };
  store.submit(Write{Write::Op::put, "k", "1", std::nullopt, true}, record);
  store.submit(Write{Write::Op::put, "k", "2", std::nullopt, true}, record);  // exists by now
  store.submit(Write{Write::Op::put, "k", "3", Revision{1}}, record);         // matches the first
  store.submit(Write{Write::Op::erase, "k"}, record);
  store.submit(Write{Write::Op::erase, "k"}, record);
  h.run();
  ASSERT_EQ(answers.size(), 5u);
  EXPECT_EQ(answers[0].status, WriteStatus::ok);
  EXPECT_EQ(answers[1].status, WriteStatus::precondition_failed);
  EXPECT_EQ(answers[2].status, WriteStatus::ok);
  EXPECT_EQ(answers[2].revision, 2);
  EXPECT_EQ(answers[3].revision, 3);
  EXPECT_EQ(answers[4].status, WriteStatus::not_found);
  EXPECT_EQ(store.commits(), 1u);
}

TEST(SettingsStore, WritesSubmittedTogetherShareOneTransaction) {
  TempDir dir;
  StoreHarness h(options_for(dir));
  auto& store = h.open();
  std::vector<Revision> answered;
  constexpr int kWrites = 200;
  for (int i = 0; i < kWrites; ++i) {
    store.submit(Write{Write::Op::put, "key" + std::to_string(i), std::to_string(i)},
                 [&](const WriteResult& r) { answered.push_back(r.revision); });
  }
  EXPECT_TRUE(answered.empty());  // answers come only once durable, from the loop
  h.run();
  ASSERT_EQ(answered.size(), static_cast<std::size_t>(kWrites));
  for (int i = 0; i < kWrites; ++i)
    EXPECT_EQ(answered[i], i + 1);
  EXPECT_EQ(store.commits(), 1u);
  h.put("one more", "1");
  EXPECT_EQ(store.commits(), 2u);
}

TEST(SettingsStore, ListenersSeeEachChangeBeforeTheAnswer) {
  TempDir dir;
  StoreHarness h(options_for(dir));
  auto& store = h.open();
  std::vector<std::string> events;
  store.on_change([&](const Change& c) {
    events.push_back("change " + std::to_string(c.revision) + " " + c.key);
    // The in-memory state is already updated when a listener runs.
    EXPECT_EQ(store.revision(), c.revision);
  });
  store.submit(Write{Write::Op::put, "a", "1"}, [&](const WriteResult&) { events.push_back("done a"); });
  store.submit(Write{Write::Op::put, "b", "1", std::nullopt, false},
               [&](const WriteResult&) { events.push_back("done b"); });
  store.submit(Write{Write::Op::erase, "zz"}, [&](const WriteResult&) { events.push_back("done zz"); });
  h.run();
  EXPECT_EQ(events, (std::vector<std::string>{"change 1 a", "change 2 b", "done a", "done b", "done zz"}));
}

TEST(SettingsStore, ChangeLogKeepsTheLastChangesAndSaysWhenItCannotReachBack) {
  TempDir dir;
  auto options = options_for(dir);
  options.change_log_size = 3;
  {
    StoreHarness h(options);
    auto& store = h.open();
    auto none = store.changes_since(0);
    ASSERT_TRUE(none.has_value());
    EXPECT_TRUE(none->empty());
    for (int i = 1; i <= 5; ++i)
      h.put("k" + std::to_string(i), std::to_string(i));
    EXPECT_FALSE(store.changes_since(0).has_value());  // 1 and 2 were trimmed
    EXPECT_FALSE(store.changes_since(1).has_value());
    auto since2 = store.changes_since(2);
    ASSERT_TRUE(since2.has_value());
    ASSERT_EQ(since2->size(), 3u);
    EXPECT_EQ((*since2)[0]->revision, 3);
    EXPECT_EQ((*since2)[0]->key, "k3");
    EXPECT_EQ((*since2)[0]->value, "3");
    EXPECT_EQ((*since2)[2]->revision, 5);
    EXPECT_TRUE(store.changes_since(5)->empty());
    EXPECT_FALSE(store.changes_since(6).has_value());  // newer than the store
  }
  StoreHarness h(options);
  auto& store = h.open();
  EXPECT_FALSE(store.changes_since(1).has_value());
  auto since3 = store.changes_since(3);
  ASSERT_TRUE(since3.has_value());
  ASSERT_EQ(since3->size(), 2u);
  EXPECT_EQ((*since3)[1]->key, "k5");
  h.erase("k5");
  h.clear();
  auto kinds = store.changes_since(5);
  ASSERT_TRUE(kinds.has_value());
  ASSERT_EQ(kinds->size(), 2u);
  EXPECT_EQ((*kinds)[0]->kind, ChangeKind::deleted);
  EXPECT_EQ((*kinds)[1]->kind, ChangeKind::cleared);
  EXPECT_TRUE(store.changes_since(4).has_value());
  EXPECT_FALSE(store.changes_since(3).has_value());
}

TEST(SettingsStore, ChangeLogIsAlsoBoundedInBytes) {
  TempDir dir;
  auto options = options_for(dir);
  options.change_log_max_bytes = 2500;
  StoreHarness h(options);
  auto& store = h.open();
  for (int i = 0; i < 5; ++i)
    h.put("k", std::string(1000, 'x'));
  EXPECT_FALSE(store.changes_since(2).has_value());
  ASSERT_TRUE(store.changes_since(3).has_value());
  EXPECT_EQ(store.changes_since(3)->size(), 2u);
}

TEST(SettingsStore, RefusesAValueOverOneMebibyteAndStoresNothing) {
  TempDir dir;
  StoreHarness h(options_for(dir));
  auto& store = h.open();
  EXPECT_EQ(h.put("big", std::string(kMaxValueBytes + 1, '1')).status, WriteStatus::failed);
  EXPECT_EQ(store.find("big"), nullptr);
  EXPECT_EQ(store.revision(), 0);
  EXPECT_EQ(h.put("big", std::string(kMaxValueBytes, '1')).status, WriteStatus::ok);
}

TEST(SettingsStoreFaults, ANonDatabaseFileIsMovedAsideByteForByteAndAFreshStoreStarts) {
  TempDir dir;
  std::string garbage = "{\"theme\":\"dark\"}\n";
  garbage += std::string(5000, '\0');
  write_file(dir.path() / "settings.db", garbage);
  write_file(dir.path() / "settings.db-wal", "not a wal");
  StoreHarness h(options_for(dir));
  auto& store = h.open();
  EXPECT_TRUE(store.entries().empty());
  EXPECT_TRUE(h.lines().contains("moved it to"));
  std::string moved;
  for (const auto& name : folder_names(dir.path())) {
    if (name.starts_with("settings.db.corrupt-") && !name.ends_with("-wal")) moved = name;
  }
  ASSERT_FALSE(moved.empty()) << "no settings.db.corrupt-* file";
  EXPECT_EQ(read_file(dir.path() / moved), garbage);
  EXPECT_EQ(read_file(dir.path() / (moved + "-wal")), "not a wal");
  EXPECT_EQ(h.put("a", "1").status, WriteStatus::ok);
}

TEST(SettingsStoreFaults, ADamagedDatabaseIsMovedAside) {
  TempDir dir;
  {
    StoreHarness h(options_for(dir));
    h.open();
    for (int i = 0; i < 200; ++i)
      h.put("key" + std::to_string(i), std::string(500, 'v'));
  }
  // Overwrite a page in the middle of the tables: a database still, but a broken one.
  auto bytes = read_file(dir.path() / "settings.db");
  ASSERT_GT(bytes.size(), 4096u * 6);
  std::fill(bytes.begin() + 4096 * 3, bytes.begin() + 4096 * 5, '\x5a');
  write_file(dir.path() / "settings.db", bytes);
  StoreHarness h(options_for(dir));
  auto& store = h.open();
  EXPECT_TRUE(store.entries().empty());
  EXPECT_TRUE(h.lines().contains("not a readable settings database"));
}

TEST(SettingsStoreFaults, AnotherProgramsDatabaseIsMovedAsideNotChanged) {
  TempDir dir;
  raw_sql(dir.path() / "settings.db",
          "CREATE TABLE notes(id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes "
          "VALUES (1, 'keep me');");
  auto before = read_file(dir.path() / "settings.db");
  StoreHarness h(options_for(dir));
  h.open();
  EXPECT_TRUE(h.lines().contains("unknown tables"));
  bool found = false;
  for (const auto& name : folder_names(dir.path())) {
    if (name.starts_with("settings.db.corrupt-")) {
      found = true;
      EXPECT_EQ(read_file(dir.path() / name), before);
    }
  }
  EXPECT_TRUE(found);
}

TEST(SettingsStoreFaults, ANewerSchemaIsRefusedAndTheFolderLeftUntouched) {
  TempDir dir;
  {
    StoreHarness h(options_for(dir));
    h.open();
    h.put("a", "1");
  }
  auto newer = "PRAGMA user_version = " + std::to_string(kSchemaVersion + 1);
  raw_sql(dir.path() / "settings.db", newer.c_str());
  auto names = folder_names(dir.path());
  auto bytes = read_file(dir.path() / "settings.db");

  StoreHarness h(options_for(dir));
  auto opened = h.try_open();
  ASSERT_TRUE(std::holds_alternative<OpenError>(opened));
  EXPECT_EQ(std::get<OpenError>(opened).kind, OpenErrorKind::newer_schema);
  EXPECT_NE(std::get<OpenError>(opened).message.find("settings.db"), std::string::npos);
  EXPECT_EQ(folder_names(dir.path()), names);
  EXPECT_EQ(read_file(dir.path() / "settings.db"), bytes);
}

TEST(SettingsStoreFaults, ASecondStoreOnTheSameFolderIsLockedOut) {
  TempDir dir;
  StoreHarness first(options_for(dir));
  first.open();
  first.put("a", "1");
  StoreHarness second(options_for(dir));
  auto opened = second.try_open();
  ASSERT_TRUE(std::holds_alternative<OpenError>(opened));
  EXPECT_EQ(std::get<OpenError>(opened).kind, OpenErrorKind::locked);
  // The first one goes on, and its data is intact.
  EXPECT_EQ(first.put("b", "2").status, WriteStatus::ok);
  first.close();
  auto& reopened = second.open();
  EXPECT_EQ(reopened.entries().size(), 2u);
}

TEST(SettingsStoreFaults, AFullStoreRefusesTheWriteAndKeepsServing) {
  TempDir dir;
  auto options = options_for(dir);
  options.max_bytes = 256 * 1024;
  options.change_log_max_bytes = 1024;
  StoreHarness h(options);
  auto& store = h.open();
  std::string value(20'000, 'x');
  WriteResult last;
  int stored = 0;
  for (; stored < 100; ++stored) {
    last = h.put("key" + std::to_string(stored), value);
    if (last.status != WriteStatus::ok) break;
  }
  ASSERT_EQ(last.status, WriteStatus::full);
  EXPECT_GT(stored, 3);
  EXPECT_TRUE(h.lines().contains("write transaction failed"));
  auto revision = store.revision();
  EXPECT_EQ(store.entries().size(), static_cast<std::size_t>(stored));
  EXPECT_EQ(store.find("key" + std::to_string(stored)), nullptr);

  // Still serving: a delete frees room, a small write fits, and revisions go on without a gap.
  EXPECT_EQ(h.erase("key0").revision, revision + 1);
  EXPECT_EQ(h.put("small", "1").revision, revision + 2);
  EXPECT_EQ(h.put("key" + std::to_string(stored), value).status, WriteStatus::ok);
  h.close();

  StoreHarness reopened(options);
  auto& again = reopened.open();
  EXPECT_EQ(again.revision(), revision + 3);
  EXPECT_EQ(again.entries().size(), static_cast<std::size_t>(stored + 1));
}

}  // namespace
}  // namespace backend::store
