// SIGKILL while writing: every answered write survives, and the file passes PRAGMA integrity_check.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <random>
#include <sstream>

#include "store_test_support.hpp"

extern char** environ;

namespace backend::store {
namespace {

using namespace testing;

struct ChildRun {
  std::map<std::string, Revision> acknowledged;
  int status = 0;
};

// Runs the crash writer until it has answered `kill_after` writes, SIGKILLs it, and collects every answer it
// wrote before dying.
ChildRun run_child(const fs::path& dir, const std::string& prefix, int kill_after) {
  ChildRun run;
  int out[2];
  if (::pipe(out) != 0) {
    ADD_FAILURE() << "pipe";
    return run;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::string program = STORE_CRASH_WRITER;
  std::string dir_arg = dir.string();
  std::string prefix_arg = prefix;
  char* argv[] = {program.data(), dir_arg.data(), prefix_arg.data(), nullptr};
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  if (rc != 0) {
    ::close(out[0]);
    ADD_FAILURE() << "cannot spawn " << program;
    return run;
  }
  std::string pending;
  int answered = 0;
  bool killed = false;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(out[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buffer, static_cast<std::size_t>(n));
    for (auto newline = pending.find('\n'); newline != std::string::npos; newline = pending.find('\n')) {
      auto line = pending.substr(0, newline);
      pending.erase(0, newline + 1);
      if (line == "ready") continue;
      std::istringstream fields(line);
      Revision revision = 0;
      std::string key;
      fields >> revision >> key;
      run.acknowledged[key] = revision;
      if (++answered >= kill_after && !killed) {
        ::kill(pid, SIGKILL);
        killed = true;
      }
    }
  }
  ::close(out[0]);
  ::waitpid(pid, &run.status, 0);
  EXPECT_TRUE(killed) << "the writer stopped before it was killed (status " << run.status << ")";
  return run;
}

std::string integrity_check(const fs::path& file) {
  sqlite3_initialize();
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.string().c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return "cannot open";
  }
  std::string result;
  sqlite3_exec(
      db, "PRAGMA integrity_check",
      [](void* out, int, char** values, char**) {
        auto& text = *static_cast<std::string*>(out);
        text += values[0] ? values[0] : "NULL";
        return 0;
      },
      &result, nullptr);
  sqlite3_close(db);
  return result;
}

TEST(SettingsStoreCrash, SigkillWhileWritingLosesNoAnsweredWrite) {
  TempDir dir;
  std::mt19937 random(std::random_device{}());
  std::map<std::string, Revision> all_acknowledged;
  constexpr int kRuns = 20;
  for (int i = 0; i < kRuns; ++i) {
    int kill_after = std::uniform_int_distribution<int>(1, 400)(random);
    auto run = run_child(dir.path(), "run" + std::to_string(i), kill_after);
    ASSERT_TRUE(WIFSIGNALED(run.status)) << "run " << i;
    ASSERT_FALSE(run.acknowledged.empty());
    all_acknowledged.insert(run.acknowledged.begin(), run.acknowledged.end());

    ASSERT_EQ(integrity_check(dir.path() / "settings.db"), "ok") << "run " << i;
    StoreHarness h(OpenOptions{dir.path()});
    auto& store = h.open();
    EXPECT_FALSE(h.lines().contains("moved it to")) << "run " << i;
    for (const auto& [key, revision] : all_acknowledged) {
      auto* entry = store.find(key);
      ASSERT_NE(entry, nullptr) << "run " << i << ": answered write " << key << " is lost";
      EXPECT_EQ(entry->revision, revision) << key;
    }
    EXPECT_GE(store.revision(), all_acknowledged.rbegin() == all_acknowledged.rend() ? 0 : 1);
  }
}

}  // namespace
}  // namespace backend::store
