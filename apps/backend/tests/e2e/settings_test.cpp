// The settings API against the real binary: the routes of issue 8's table, keys, revisions, conditions, and
// that a refused request stores nothing. Every backend here gets a data folder of its own.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>

#include "http_client.hpp"
#include "sidecar_process.hpp"

namespace backend::e2e {
namespace {

namespace json = boost::json;

class DataDir {
 public:
  DataDir() { path_ = make_temp_dir("settings"); }
  ~DataDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string json_body(std::string_view body) {
  return "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
}

class Settings : public ::testing::Test {
 protected:
  void SetUp() override { start(); }
  void start() {
    sidecar_ = std::make_unique<Sidecar>(Launch{.env = {{"BACKEND_DATA_DIR", dir_.path()}}});
    port_ = sidecar_->port();
    ASSERT_NE(port_, 0);
  }
  void restart() {
    sidecar_->write_stdin("shutdown\n");
    ASSERT_EQ(sidecar_->wait_exit(5s), 0);
    start();
  }

  std::optional<HttpResponse> send(std::string_view method, std::string_view target,
                                   std::string_view body = {}, std::string headers = {}) {
    Connection connection(port_);
    if (!body.empty() || method == "PUT") headers += json_body(body);
    connection.send(request(port_, method, target, headers) + std::string(body));
    return connection.read(method == "HEAD");
  }
  static json::value parse(const HttpResponse& r) { return json::parse(r.body()); }
  static std::string error_of(const HttpResponse& r) { return std::string(parse(r).at("error").as_string()); }

  DataDir dir_;
  std::unique_ptr<Sidecar> sidecar_;
  std::uint16_t port_ = 0;
};

TEST_F(Settings, PutThenGetReturnsTheValueWithItsRevisionAsETag) {
  auto put =
      send("PUT", "/settings/theme", R"({"value":{"mode":"dark","scale":[1,2,3],"on":true,"none":null}})");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->result_int(), 200u);
  auto stored = parse(*put);
  EXPECT_EQ(stored.at("key"), "theme");
  auto revision = stored.at("revision").as_int64();
  EXPECT_GT(revision, 0);
  EXPECT_EQ((*put)["ETag"], "\"" + std::to_string(revision) + "\"");

  auto got = send("GET", "/settings/theme");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->result_int(), 200u);
  EXPECT_EQ(parse(*got).at("value"), json::parse(R"({"mode":"dark","scale":[1,2,3],"on":true,"none":null})"));
  EXPECT_EQ((*got)["ETag"], "\"" + std::to_string(revision) + "\"");

  auto all = send("GET", "/settings");
  ASSERT_TRUE(all);
  EXPECT_EQ(parse(*all).at("entries").at("theme").at("mode"), "dark");
  EXPECT_EQ(parse(*all).at("revision").as_int64(), revision);
}

TEST_F(Settings, EveryKindOfJsonValueComesBackAsStored) {
  for (std::string value :
       {"null", "false", "true", "0", "-17", "3.25", "\"text with \\\"quotes\\\" and \\u00e9\"", "[]", "{}",
        "[1,[2,[3]]]", "{\"a\":{\"b\":\"c\"}}"}) {
    auto put = send("PUT", "/settings/v", "{\"value\":" + value + "}");
    ASSERT_TRUE(put);
    ASSERT_EQ(put->result_int(), 200u) << value;
    auto got = send("GET", "/settings/v");
    ASSERT_TRUE(got);
    EXPECT_EQ(parse(*got).at("value"), json::parse(value)) << value;
  }
}

TEST_F(Settings, KeysArePercentDecodedSegmentByEncodedSlashStaysInside) {
  auto put = send("PUT", "/settings/caf%C3%A9%2Fmenu", R"({"value":1})");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->result_int(), 200u);
  EXPECT_EQ(parse(*put).at("key"), "café/menu");
  auto all = send("GET", "/settings");
  ASSERT_TRUE(all);
  EXPECT_TRUE(parse(*all).at("entries").as_object().contains("café/menu"));
  // An unencoded slash is another path, not this key.
  auto other = send("GET", "/settings/caf%C3%A9/menu");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->result_int(), 404u);
}

TEST_F(Settings, BadKeysAre400WithTheErrorBodyAndStoreNothing) {
  std::string too_long = "/settings/" + std::string(257, 'k');
  for (std::string target : {too_long, std::string("/settings/%FF%FE"), std::string("/settings/%C0%AF")}) {
    auto put = send("PUT", target, R"({"value":1})");
    ASSERT_TRUE(put) << target;
    EXPECT_EQ(put->result_int(), 400u) << target;
    EXPECT_EQ(error_of(*put), "bad_request");
  }
  auto ok = send("PUT", "/settings/" + std::string(256, 'k'), R"({"value":1})");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->result_int(), 200u);
  auto all = send("GET", "/settings");
  EXPECT_EQ(parse(*all).at("entries").as_object().size(), 1u);
  // A malformed percent-encoding is a malformed target.
  auto bad = send("GET", "/settings/%zz");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->result_int(), 400u);
}

TEST_F(Settings, MissingKeysAre404AndDeleteIs204) {
  auto missing = send("GET", "/settings/nope");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->result_int(), 404u);
  EXPECT_EQ(error_of(*missing), "not_found");
  auto gone = send("DELETE", "/settings/nope");
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->result_int(), 404u);

  send("PUT", "/settings/a", R"({"value":1})");
  auto deleted = send("DELETE", "/settings/a");
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->result_int(), 204u);
  EXPECT_TRUE(deleted->body().empty());
  EXPECT_EQ(send("GET", "/settings/a")->result_int(), 404u);
}

TEST_F(Settings, ClearDeletesAllAndTheRevisionNeverGoesBackAcrossRestarts) {
  std::int64_t last = 0;
  for (int i = 0; i < 5; ++i) {
    auto put = send("PUT", "/settings/k" + std::to_string(i), R"({"value":"x"})");
    auto revision = parse(*put).at("revision").as_int64();
    EXPECT_GT(revision, last);
    last = revision;
  }
  auto cleared = send("DELETE", "/settings");
  ASSERT_TRUE(cleared);
  EXPECT_EQ(cleared->result_int(), 204u);
  auto all = parse(*send("GET", "/settings"));
  EXPECT_TRUE(all.at("entries").as_object().empty());
  EXPECT_GT(all.at("revision").as_int64(), last);
  last = all.at("revision").as_int64();

  restart();
  auto after = parse(*send("GET", "/settings"));
  EXPECT_EQ(after.at("revision").as_int64(), last);
  auto put = send("PUT", "/settings/again", R"({"value":1})");
  EXPECT_GT(parse(*put).at("revision").as_int64(), last);
}

TEST_F(Settings, ValuesSurviveARestart) {
  send("PUT", "/settings/keep", R"({"value":[1,"two",{"three":3}]})");
  restart();
  auto got = send("GET", "/settings/keep");
  ASSERT_TRUE(got);
  ASSERT_EQ(got->result_int(), 200u);
  EXPECT_EQ(parse(*got).at("value"), json::parse(R"([1,"two",{"three":3}])"));
}

TEST_F(Settings, IfMatchAndIfNoneMatchRefuseWith412AndStoreNothing) {
  auto first = send("PUT", "/settings/c", R"({"value":1})");
  auto etag = std::string((*first)["ETag"]);
  auto stale = send("PUT", "/settings/c", R"({"value":2})", "If-Match: \"999999\"\r\n");
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->result_int(), 412u);
  EXPECT_EQ(error_of(*stale), "precondition_failed");
  auto fresh = send("PUT", "/settings/c", R"({"value":3})", "If-Match: " + etag + "\r\n");
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->result_int(), 200u);
  auto create_only = send("PUT", "/settings/c", R"({"value":4})", "If-None-Match: *\r\n");
  ASSERT_TRUE(create_only);
  EXPECT_EQ(create_only->result_int(), 412u);
  EXPECT_EQ(parse(*send("GET", "/settings/c")).at("value"), 3);
  auto created = send("PUT", "/settings/new", R"({"value":5})", "If-None-Match: *\r\n");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->result_int(), 200u);
}

TEST_F(Settings, APipelinedWriteIsAnsweredInOrderBeforeTheNextRequest) {
  Connection connection(port_);
  std::string body = R"({"value":"piped"})";
  connection.send(request(port_, "PUT", "/settings/p", json_body(body)) + body +
                  request(port_, "GET", "/settings/p"));
  auto put = connection.read();
  ASSERT_TRUE(put);
  EXPECT_EQ(put->result_int(), 200u);
  auto get = connection.read();
  ASSERT_TRUE(get);
  EXPECT_EQ(get->result_int(), 200u);
  EXPECT_EQ(parse(*get).at("value"), "piped");
}

}  // namespace
}  // namespace backend::e2e

namespace backend::e2e {
namespace {

// A full store (here its cap, BACKEND_STORE_MAX_MB; a full disk answers the same): the write that does not
// fit gets 503 storage_unavailable and an error log, stores nothing, and the backend goes on serving.
TEST(SettingsFull, AWriteThatDoesNotFitIs503AndTheBackendGoesOn) {
  DataDir dir;
  Sidecar sidecar({.env = {{"BACKEND_DATA_DIR", dir.path()}, {"BACKEND_STORE_MAX_MB", "1"}}});
  auto port = sidecar.port();
  ASSERT_NE(port, 0);
  std::string value = "\"" + std::string(200 * 1024, 'v') + "\"";
  std::string body = "{\"value\":" + value + "}";
  std::optional<HttpResponse> refused;
  int stored = 0;
  for (int i = 0; i < 20 && !refused; ++i) {
    Connection connection(port);
    connection.send(
        request(port, "PUT", "/settings/big-" + std::to_string(i),
                "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n") +
        body);
    auto response = connection.read();
    ASSERT_TRUE(response);
    if (response->result_int() == 200) {
      ++stored;
    } else {
      refused = response;
    }
  }
  ASSERT_TRUE(refused) << "1 MiB never filled up";
  EXPECT_GT(stored, 0);
  EXPECT_EQ(refused->result_int(), 503u);
  EXPECT_EQ(json::parse(refused->body()).at("error"), "storage_unavailable");
  EXPECT_TRUE(sidecar.wait_stderr_contains("error", 2s)) << sidecar.stderr_bytes();

  auto health = fetch(port, "GET", "/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->result_int(), 200u);
  auto all = fetch(port, "GET", "/settings");
  ASSERT_TRUE(all);
  auto entries = json::parse(all->body()).at("entries").as_object();
  EXPECT_EQ(entries.size(), static_cast<std::size_t>(stored));
  EXPECT_FALSE(entries.contains("big-" + std::to_string(stored)));
}

}  // namespace
}  // namespace backend::e2e
