#include "config/config.hpp"

#include <gtest/gtest.h>

#include <map>

namespace backend {
namespace {

std::variant<Config, ConfigError> load(std::map<std::string, std::string> vars) {
  // The default data folder needs a home; the tests of that default say so themselves.
  vars.try_emplace("HOME", "/home/tester");
  return load_config([vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  });
}

Config load_ok(std::map<std::string, std::string> vars) {
  auto result = load(std::move(vars));
  if (auto* error = std::get_if<ConfigError>(&result)) {
    ADD_FAILURE() << error->message;
    return {};
  }
  return std::get<Config>(result);
}

std::string load_error(std::map<std::string, std::string> vars) {
  auto result = load(std::move(vars));
  if (!std::holds_alternative<ConfigError>(result)) {
    ADD_FAILURE() << "expected a configuration error";
    return {};
  }
  return std::get<ConfigError>(result).message;
}

TEST(ConfigDefaults, AreLoopbackAnyPortInfoAndFiveSecondDrain) {
  auto config = load_ok({});
  EXPECT_EQ(config.port, 0);
  EXPECT_EQ(config.host, "127.0.0.1");
  EXPECT_TRUE(config.host_is_loopback);
  EXPECT_EQ(config.log_level, LogLevel::info);
  EXPECT_EQ(config.shutdown_timeout, std::chrono::milliseconds(5000));
  EXPECT_TRUE(config.parent_watch);
  EXPECT_FALSE(config.exit_on_stdin_eof);
  EXPECT_TRUE(config.token.empty());
}

TEST(ConfigPort, UnsetEmptyOrZeroLetTheOsChoose) {
  EXPECT_EQ(load_ok({}).port, 0);
  EXPECT_EQ(load_ok({{"PORT", ""}}).port, 0);
  EXPECT_EQ(load_ok({{"PORT", "0"}}).port, 0);
}

TEST(ConfigPort, AcceptsEveryDecimalPortInRange) {
  EXPECT_EQ(load_ok({{"PORT", "1"}}).port, 1);
  EXPECT_EQ(load_ok({{"PORT", "8080"}}).port, 8080);
  EXPECT_EQ(load_ok({{"PORT", "65535"}}).port, 65535);
}

class ConfigPortRejects : public ::testing::TestWithParam<std::string> {};

TEST_P(ConfigPortRejects, NamingTheValueAndTheRange) {
  auto message = load_error({{"PORT", GetParam()}});
  EXPECT_NE(message.find("PORT=\"" + GetParam() + "\""), std::string::npos) << message;
  EXPECT_NE(message.find("1 to 65535"), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(BadValues, ConfigPortRejects,
                         ::testing::Values("abc", "70000", "65536", "-1", "12x", "1e3", " 80", "80 ", "+80",
                                           "0x50", "8080.0", "99999999999999999999999"));

TEST(ConfigPort, ShowsControlBytesAsQuestionMarks) {
  auto message = load_error({{"PORT", "8\x1b[2J"}});
  EXPECT_EQ(message.find('\x1b'), std::string::npos);
  EXPECT_NE(message.find("PORT=\"8?[2J\""), std::string::npos) << message;
}

TEST(ConfigHost, AcceptsIpv6LoopbackAndFlagsNonLoopback) {
  auto v6 = load_ok({{"BACKEND_HOST", "::1"}});
  EXPECT_EQ(v6.host, "::1");
  EXPECT_TRUE(v6.host_is_loopback);
  auto any = load_ok({{"BACKEND_HOST", "0.0.0.0"}});
  EXPECT_FALSE(any.host_is_loopback);
}

TEST(ConfigHost, RejectsNamesAndGarbage) {
  EXPECT_NE(load_error({{"BACKEND_HOST", "localhost"}}).find("BACKEND_HOST=\"localhost\""),
            std::string::npos);
  EXPECT_NE(load_error({{"BACKEND_HOST", "127.0.0.256"}}).find("IP address"), std::string::npos);
}

TEST(ConfigLogLevel, AcceptsTheFourLevelsOnly) {
  EXPECT_EQ(load_ok({{"BACKEND_LOG_LEVEL", "error"}}).log_level, LogLevel::error);
  EXPECT_EQ(load_ok({{"BACKEND_LOG_LEVEL", "warn"}}).log_level, LogLevel::warn);
  EXPECT_EQ(load_ok({{"BACKEND_LOG_LEVEL", "debug"}}).log_level, LogLevel::debug);
  EXPECT_NE(load_error({{"BACKEND_LOG_LEVEL", "verbose"}}).find("error, warn, info or debug"),
            std::string::npos);
}

TEST(ConfigShutdownTimeout, AcceptsMillisecondsWithinTenMinutes) {
  EXPECT_EQ(load_ok({{"BACKEND_SHUTDOWN_TIMEOUT_MS", "0"}}).shutdown_timeout.count(), 0);
  EXPECT_EQ(load_ok({{"BACKEND_SHUTDOWN_TIMEOUT_MS", "250"}}).shutdown_timeout.count(), 250);
  EXPECT_FALSE(load_error({{"BACKEND_SHUTDOWN_TIMEOUT_MS", "-5"}}).empty());
  EXPECT_FALSE(load_error({{"BACKEND_SHUTDOWN_TIMEOUT_MS", "600001"}}).empty());
  EXPECT_FALSE(load_error({{"BACKEND_SHUTDOWN_TIMEOUT_MS", "5s"}}).empty());
}

TEST(ConfigSwitches, AcceptOneAndZeroAndRejectOthers) {
  EXPECT_FALSE(load_ok({{"BACKEND_PARENT_WATCH", "0"}}).parent_watch);
  EXPECT_TRUE(load_ok({{"BACKEND_EXIT_ON_STDIN_EOF", "1"}}).exit_on_stdin_eof);
  EXPECT_NE(load_error({{"BACKEND_PARENT_WATCH", "maybe"}}).find("BACKEND_PARENT_WATCH=\"maybe\""),
            std::string::npos);
}

TEST(ConfigLists, SplitOnCommasAndTrimBlanks) {
  auto config = load_ok({{"BACKEND_ALLOWED_ORIGINS", " http://localhost:1420 , https://a.example,,"},
                         {"BACKEND_ALLOWED_HOSTS", "myhost.local"}});
  EXPECT_EQ(config.allowed_origins, (std::vector<std::string>{"http://localhost:1420", "https://a.example"}));
  EXPECT_EQ(config.allowed_hosts, (std::vector<std::string>{"myhost.local"}));
}

TEST(ConfigLists, RejectWildcardsAndInnerSpaces) {
  EXPECT_NE(load_error({{"BACKEND_ALLOWED_ORIGINS", "*"}}).find("no wildcards"), std::string::npos);
  EXPECT_FALSE(load_error({{"BACKEND_ALLOWED_HOSTS", "a b"}}).empty());
}

TEST(ConfigToken, IsKeptAndNeverEchoedInErrors) {
  EXPECT_EQ(load_ok({{"BACKEND_TOKEN", "s3cret-token"}}).token, "s3cret-token");
  auto message = load_error({{"BACKEND_TOKEN", "s3cret token"}});
  EXPECT_EQ(message.find("s3cret"), std::string::npos) << message;
}

std::optional<std::string> lookup_in(const std::map<std::string, std::string>& vars, std::string_view name) {
  auto it = vars.find(std::string(name));
  if (it == vars.end()) return std::nullopt;
  return it->second;
}

TEST(ConfigDataDir, TakesBackendDataDirAsAnAbsoluteFolder) {
  auto config = load_ok({{"BACKEND_DATA_DIR", "/var/tmp/aios-data/"}});
  EXPECT_EQ(config.data_dir, std::filesystem::path("/var/tmp/aios-data/"));
  auto relative = load_ok({{"BACKEND_DATA_DIR", "rel/dir"}});
  EXPECT_TRUE(relative.data_dir.is_absolute());
}

#if !defined(_WIN32) && !defined(__APPLE__)
TEST(ConfigDataDir, DefaultsToTauriAppDataDirOnLinux) {
  std::map<std::string, std::string> vars{{"HOME", "/home/ann"}};
  auto env = [&](std::string_view name) { return lookup_in(vars, name); };
  EXPECT_EQ(std::get<std::filesystem::path>(default_data_dir(env, "com.aios.desktop")),
            std::filesystem::path("/home/ann/.local/share/com.aios.desktop"));
  vars["XDG_DATA_HOME"] = "/data/ann";
  EXPECT_EQ(std::get<std::filesystem::path>(default_data_dir(env, "com.aios.desktop")),
            std::filesystem::path("/data/ann/com.aios.desktop"));
  vars["XDG_DATA_HOME"] = "relative/ignored";
  EXPECT_EQ(std::get<std::filesystem::path>(default_data_dir(env, "com.aios.desktop")),
            std::filesystem::path("/home/ann/.local/share/com.aios.desktop"));
  vars.clear();
  auto error = default_data_dir(env, "com.aios.desktop");
  ASSERT_TRUE(std::holds_alternative<ConfigError>(error));
  EXPECT_NE(std::get<ConfigError>(error).message.find("BACKEND_DATA_DIR"), std::string::npos);
}

TEST(ConfigDataDir, DefaultUsesTheTauriIdentifier) {
  auto config = load_ok({{"HOME", "/home/ann"}});
  EXPECT_EQ(config.data_dir, std::filesystem::path("/home/ann/.local/share/com.aios.desktop"));
}
#endif

TEST(ConfigStoreCap, IsMebibytesAndRejectsZeroAndGarbage) {
  EXPECT_EQ(load_ok({}).store_max_bytes, 0u);
  EXPECT_EQ(load_ok({{"BACKEND_STORE_MAX_MB", "64"}}).store_max_bytes, 64u << 20);
  for (const char* bad : {"0", "-1", "1.5", "64MB", "99999999"}) {
    EXPECT_NE(load_error({{"BACKEND_STORE_MAX_MB", bad}}).find("BACKEND_STORE_MAX_MB"), std::string::npos)
        << bad;
  }
}

}  // namespace
}  // namespace backend
