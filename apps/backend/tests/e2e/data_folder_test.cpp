// The data folder and the settings store's file, seen from outside: BACKEND_DATA_DIR created private, an
// unusable folder refused as configuration, a newer or busy store refused with its exit code and left intact,
// a corrupt file moved aside.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "http_client.hpp"
#include "sidecar_process.hpp"

namespace backend::e2e {
namespace {

namespace fs = std::filesystem;

// A temporary folder for a test that sets BACKEND_DATA_DIR itself.
class Scratch {
 public:
  Scratch() : path_(make_temp_dir("e2e-scratch")) {}
  ~Scratch() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  fs::path path() const { return path_; }

 private:
  fs::path path_;
};

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

void sql(const fs::path& file, const char* text) {
  ASSERT_EQ(sqlite3_initialize(), SQLITE_OK);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.string().c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, text, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
}

TEST(DataFolder, IsCreatedPrivateToTheUserWithTheStoreInIt) {
  Scratch scratch;
  auto dir = scratch.path() / "app-data" / "com.aios.desktop";
  Sidecar sidecar({.env = {{"BACKEND_DATA_DIR", dir.string()}}});
  ASSERT_NE(sidecar.port(), 0);
  struct stat info {};
  ASSERT_EQ(::stat(dir.c_str(), &info), 0);
  EXPECT_TRUE(S_ISDIR(info.st_mode));
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  EXPECT_TRUE(fs::exists(dir / "settings.db"));
}

TEST(DataFolder, AnUnusableFolderExitsWithCode2NamingTheVariableAndThePath) {
  Scratch scratch;
  std::ofstream(scratch.path() / "a-file") << "x";
  auto dir = (scratch.path() / "a-file" / "data").string();
  Sidecar sidecar({.env = {{"BACKEND_DATA_DIR", dir}}});
  EXPECT_EQ(sidecar.wait_exit(Sidecar::startup_timeout()), 2);
  auto err = sidecar.stderr_bytes();
  EXPECT_NE(err.find("BACKEND_DATA_DIR"), std::string::npos) << err;
  EXPECT_NE(err.find(dir), std::string::npos) << err;
  EXPECT_EQ(sidecar.stdout_bytes(), "");
}

TEST(SettingsStoreFile, WrittenByANewerVersionExitsWithCode5AndIsLeftUntouched) {
  Scratch scratch;
  sql(scratch.path() / "settings.db",
      "PRAGMA journal_mode=WAL; CREATE TABLE future(x); INSERT INTO future VALUES (1); PRAGMA "
      "user_version=999;");
  auto bytes = file_bytes(scratch.path() / "settings.db");
  Sidecar sidecar({.env = {{"BACKEND_DATA_DIR", scratch.path().string()}}});
  EXPECT_EQ(sidecar.wait_exit(Sidecar::startup_timeout()), 5);
  EXPECT_NE(sidecar.stderr_bytes().find("newer"), std::string::npos) << sidecar.stderr_bytes();
  EXPECT_EQ(sidecar.stdout_bytes(), "");
  EXPECT_EQ(file_bytes(scratch.path() / "settings.db"), bytes);
  EXPECT_EQ(std::distance(fs::directory_iterator(scratch.path()), fs::directory_iterator()), 1);
}

TEST(SettingsStoreFile, ASecondBackendOnTheSameFolderExitsWithCode6AndTheFirstGoesOn) {
  Scratch scratch;
  Sidecar first({.env = {{"BACKEND_DATA_DIR", scratch.path().string()}}});
  auto port = first.port();
  ASSERT_NE(port, 0);
  Sidecar second({.env = {{"BACKEND_DATA_DIR", scratch.path().string()}}});
  EXPECT_EQ(second.wait_exit(Sidecar::startup_timeout() + std::chrono::seconds(5)), 6);
  EXPECT_NE(second.stderr_bytes().find("in use by another backend"), std::string::npos)
      << second.stderr_bytes();
  EXPECT_EQ(second.stdout_bytes(), "");
  auto health = fetch(port, "GET", "/health");
  ASSERT_TRUE(health.has_value());
  EXPECT_EQ(health->result_int(), 200);
  // Once the first has stopped, the folder is free again.
  first.write_stdin("shutdown\n");
  EXPECT_EQ(first.wait_exit(std::chrono::seconds(10)), 0);
  Sidecar third({.env = {{"BACKEND_DATA_DIR", scratch.path().string()}}});
  EXPECT_NE(third.port(), 0);
}

// Contract*: also run against every cross-built binary (qemu, wine), so SQLite is exercised on each platform.
TEST(ContractSettingsStore, IsCreatedInTheDataFolderAndReopenedAfterARestart) {
  Scratch scratch;
  for (int run = 0; run < 2; ++run) {
    Sidecar sidecar({.env = {{"BACKEND_DATA_DIR", scratch.path().string()}}});
    ASSERT_NE(sidecar.port(), 0) << "run " << run;
    EXPECT_TRUE(fs::exists(scratch.path() / "settings.db"));
    sidecar.write_stdin("shutdown\n");
    EXPECT_EQ(sidecar.wait_exit(std::chrono::seconds(30)), 0) << "run " << run;
    EXPECT_EQ(sidecar.stderr_bytes().find("settings store"), std::string::npos) << sidecar.stderr_bytes();
  }
  // A clean exit checkpoints the WAL into the file and removes it.
  EXPECT_FALSE(fs::exists(scratch.path() / "settings.db-wal"));
}

TEST(ContractSettingsStore, ASecondBackendOnTheSameFolderExitsWithCode6) {
  Scratch scratch;
  Sidecar first({.env = {{"BACKEND_DATA_DIR", scratch.path().string()}}});
  ASSERT_NE(first.port(), 0);
  Sidecar second({.env = {{"BACKEND_DATA_DIR", scratch.path().string()}}});
  EXPECT_EQ(second.wait_exit(Sidecar::startup_timeout() + std::chrono::seconds(5)), 6);
  EXPECT_EQ(second.stdout_bytes(), "");
}

TEST(SettingsStoreFile, ACorruptFileIsMovedAsideAndTheBackendStarts) {
  Scratch scratch;
  std::string garbage = "this is not a database\n" + std::string(8192, '\0');
  std::ofstream(scratch.path() / "settings.db", std::ios::binary) << garbage;
  Sidecar sidecar({.env = {{"BACKEND_DATA_DIR", scratch.path().string()}}});
  ASSERT_NE(sidecar.port(), 0);
  EXPECT_NE(sidecar.stderr_bytes().find("moved it to"), std::string::npos) << sidecar.stderr_bytes();
  int moved = 0;
  for (const auto& entry : fs::directory_iterator(scratch.path())) {
    if (entry.path().filename().string().starts_with("settings.db.corrupt-")) {
      ++moved;
      EXPECT_EQ(file_bytes(entry.path()), garbage);
    }
  }
  EXPECT_EQ(moved, 1);
  EXPECT_TRUE(fs::exists(scratch.path() / "settings.db"));
}

}  // namespace
}  // namespace backend::e2e
