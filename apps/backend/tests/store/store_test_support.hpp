#pragma once
// What the store tests share: a temporary data folder, a log that keeps its lines, and a store on a real
// io_context (the production concurrency hint) with helpers that run the loop until writes are answered.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "log/logger.hpp"
#include "platform/io_concurrency.hpp"
#include "store/settings_store.hpp"

namespace backend::store::testing {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::random_device random;
    path_ = fs::temp_directory_path() /
            ("aios-store-test-" + std::to_string(random()) + std::to_string(random()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

class KeptLines : public LogSink {
 public:
  bool try_write(std::string_view line) override {
    lines.emplace_back(line);
    return true;
  }
  bool contains(std::string_view text) const {
    for (const auto& line : lines) {
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  }
  std::vector<std::string> lines;
};

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

inline void write_file(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::vector<std::string> folder_names(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// A store on its own io_context. Destroyed in the right order: the store (writer joined) before the loop.
class StoreHarness {
 public:
  explicit StoreHarness(OpenOptions options) : options_(std::move(options)) {}

  std::variant<std::unique_ptr<SettingsStore>, OpenError> try_open() {
    return SettingsStore::open(io_, options_, log_);
  }
  SettingsStore& open() {
    auto opened = try_open();
    if (auto* error = std::get_if<OpenError>(&opened)) {
      ADD_FAILURE() << "open failed: " << error->message;
      throw std::runtime_error("open failed");
    }
    store_ = std::move(std::get<std::unique_ptr<SettingsStore>>(opened));
    return *store_;
  }
  void close() { store_.reset(); }

  // Submits and runs the loop until the answer comes (the loop runs out of work once nothing is pending).
  WriteResult write(Write write) {
    std::optional<WriteResult> answer;
    store_->submit(std::move(write), [&](const WriteResult& result) { answer = result; });
    run();
    EXPECT_TRUE(answer.has_value());
    return answer.value_or(WriteResult{WriteStatus::failed, -1});
  }
  WriteResult put(std::string key, std::string value) {
    return write(Write{Write::Op::put, std::move(key), std::move(value)});
  }
  WriteResult erase(std::string key) { return write(Write{Write::Op::erase, std::move(key)}); }
  WriteResult clear() { return write(Write{Write::Op::clear}); }

  void run() {
    io_.restart();
    io_.run();
  }

  SettingsStore& store() { return *store_; }
  boost::asio::io_context& io() { return io_; }
  KeptLines& lines() { return sink_; }
  OpenOptions& options() { return options_; }

 private:
  boost::asio::io_context io_{platform::kIoConcurrencyHint};
  KeptLines sink_;
  Logger log_{LogLevel::debug, sink_};
  OpenOptions options_;
  std::unique_ptr<SettingsStore> store_;  // after io_: destroyed first
};

}  // namespace backend::store::testing
