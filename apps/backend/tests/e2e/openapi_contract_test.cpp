// The OpenAPI document is the contract with the frontend: every documented route answers, every live answer
// conforms to its documented schema, and no route exists that the document does not describe.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <set>
#include <sstream>
#include <valijson/adapters/boost_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "app/route_table.hpp"
#include "http_client.hpp"
#include "sidecar_process.hpp"

namespace backend::e2e {
namespace {

namespace json = boost::json;
namespace http = boost::beast::http;

class OpenApiContract : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = sidecar_.port();
    ASSERT_NE(port_, 0);
    auto response = fetch(port_, "GET", "/openapi.json");
    ASSERT_TRUE(response);
    ASSERT_EQ(response->result_int(), 200u);
    doc_ = json::parse(response->body());
  }

  // Follows a local "$ref" such as "#/components/responses/NotFound".
  const json::value& resolve(const json::value& node) const {
    if (!node.is_object() || !node.as_object().contains("$ref")) return node;
    std::string ref(node.at("$ref").as_string());
    EXPECT_TRUE(ref.starts_with("#/")) << ref;
    const json::value* at = &doc_;
    std::istringstream parts(ref.substr(2));
    for (std::string part; std::getline(parts, part, '/');)
      at = &at->at(part);
    return resolve(*at);
  }

  // The documented response for a status, or the operation's "default".
  const json::value* documented(const json::object& operation, unsigned status) const {
    const auto& responses = operation.at("responses").as_object();
    if (auto it = responses.find(std::to_string(status)); it != responses.end()) return &resolve(it->value());
    if (auto it = responses.find("default"); it != responses.end()) return &resolve(it->value());
    return nullptr;
  }

  // Validates a body against the response's application/json schema with valijson, refs resolved against the
  // document's components.
  void expect_conforms(const json::value& response_doc, const std::string& body,
                       const std::string& what) const {
    const auto& content = response_doc.as_object();
    if (!content.contains("content")) {
      EXPECT_TRUE(body.empty()) << what << ": body without documented content";
      return;
    }
    json::object schema_root;
    schema_root["$ref"] = "#/schema";
    schema_root["schema"] = content.at("content").at("application/json").at("schema");
    schema_root["components"] = doc_.at("components");
    valijson::Schema schema;
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    json::value root(std::move(schema_root));
    valijson::adapters::BoostJsonAdapter schema_adapter(root);
    parser.populateSchema(schema_adapter, schema);

    json::value live = json::parse(body);
    valijson::adapters::BoostJsonAdapter live_adapter(live);
    valijson::Validator validator;
    valijson::ValidationResults results;
    bool valid = validator.validate(schema, live_adapter, &results);
    std::string errors;
    valijson::ValidationResults::Error error;
    while (results.popError(error))
      errors += error.description + "; ";
    EXPECT_TRUE(valid) << what << ": " << body << "\n" << errors;
  }

  // Sends one request and checks its answer against the document.
  void check(const std::string& path, const std::string& method, std::string headers,
             unsigned expected_status) {
    const auto& operation = doc_.at("paths").at(path).at(method).as_object();
    std::string verb = method;
    for (auto& c : verb)
      c = static_cast<char>(std::toupper(c));
    auto response = fetch(port_, verb, path, headers);
    ASSERT_TRUE(response) << verb << " " << path;
    auto what = verb + " " + path + " -> " + std::to_string(response->result_int());
    EXPECT_EQ(response->result_int(), expected_status) << what;
    const json::value* response_doc = documented(operation, response->result_int());
    ASSERT_NE(response_doc, nullptr) << what << " is not documented";
    if (verb != "HEAD" && response->result_int() != 204)
      expect_conforms(*response_doc, response->body(), what);
  }

  Sidecar sidecar_{{.env = {{"BACKEND_ALLOWED_ORIGINS", "http://localhost:1420"}}}};
  std::uint16_t port_ = 0;
  json::value doc_;
};

// The checked-in file is what `backend --openapi` prints, byte for byte; the TypeScript types are generated
// from that file (packages/client, drift-checked there).
TEST(OpenApiDocument, CheckedInFileIsWhatTheBinaryPrints) {
  Sidecar printer({.args = {"--openapi"}});
  ASSERT_EQ(printer.wait_exit(Sidecar::startup_timeout()), 0);
  std::ifstream file(BACKEND_OPENAPI_PATH, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  EXPECT_TRUE(printer.stdout_bytes() == text.str())
      << "packages/shared/openapi.json is stale: the routes changed. Refresh it and the client types with "
         "`bash scripts/update-openapi.sh`, then commit both.";
}

TEST_F(OpenApiContract, ServedDocumentIsTheRepositoryFile) {
  std::ifstream file(BACKEND_OPENAPI_PATH);
  std::stringstream text;
  text << file.rdbuf();
  EXPECT_EQ(json::parse(text.str()), doc_);
  EXPECT_TRUE(doc_.at("openapi").as_string().starts_with("3.1"));
}

TEST_F(OpenApiContract, EveryDocumentedOperationAnswersAsDocumented) {
  for (const auto& [path, item] : doc_.at("paths").as_object()) {
    for (const auto& [method, operation] : item.as_object()) {
      std::string m(method);
      if (m == "get" || m == "head") check(std::string(path), m, "", 200);
      if (m == "options") {
        check(std::string(path), m, "Origin: tauri://localhost\r\nAccess-Control-Request-Method: GET\r\n",
              204);
      }
    }
  }
}

TEST_F(OpenApiContract, ErrorAnswersConformToTheirDocumentedSchemas) {
  for (const auto& [path_view, item] : doc_.at("paths").as_object()) {
    std::string path(path_view);
    check(path, "get", "Origin: https://evil.example\r\n", 403);
    // 405: a method the route lacks; its answer is documented on the route's operations.
    auto response = fetch(port_, "DELETE", path);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result_int(), 405u);
    const auto* documented_405 = documented(item.at("get").as_object(), 405);
    ASSERT_NE(documented_405, nullptr);
    expect_conforms(*documented_405, response->body(), "DELETE " + path);
    // 421: a Host that is not ours.
    Connection connection(port_);
    connection.send("GET " + path + " HTTP/1.1\r\nHost: rebound.example:" + std::to_string(port_) +
                    "\r\n\r\n");
    auto misdirected = connection.read();
    ASSERT_TRUE(misdirected);
    EXPECT_EQ(misdirected->result_int(), 421u);
    expect_conforms(*documented(item.at("get").as_object(), 421), misdirected->body(), "421 " + path);
  }
  // 404 has no path of its own: it conforms to the error schema the routes document for it.
  auto missing = fetch(port_, "GET", "/no-such-route");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->result_int(), 404u);
  expect_conforms(*documented(doc_.at("paths").at("/health").at("get").as_object(), 404), missing->body(),
                  "404");
}

TEST_F(OpenApiContract, UnauthorizedAnswerConformsWhenATokenIsRequired) {
  Sidecar guarded({.env = {{"BACKEND_TOKEN", "contract-token"}}});
  auto port = guarded.port();
  auto response = fetch(port, "GET", "/health");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 401u);
  expect_conforms(*documented(doc_.at("paths").at("/health").at("get").as_object(), 401), response->body(),
                  "401");
}

TEST_F(OpenApiContract, EveryRouteTheServerHasIsDocumentedAndNoMore) {
  std::set<std::string> served;
  for (const auto& route : app::route_table().paths()) {
    served.insert(std::string(route.path));
    ASSERT_TRUE(doc_.at("paths").as_object().contains(route.path))
        << route.path << " is served but not documented";
    const auto& item = doc_.at("paths").at(route.path).as_object();
    std::istringstream methods{std::string(route.allow)};
    for (std::string method; std::getline(methods, method, ',');) {
      method.erase(0, method.find_first_not_of(' '));
      for (auto& c : method)
        c = static_cast<char>(std::tolower(c));
      EXPECT_TRUE(item.contains(method))
          << route.path << " answers " << method << " but the document lacks it";
    }
  }
  for (const auto& [path, item] : doc_.at("paths").as_object()) {
    EXPECT_TRUE(served.contains(std::string(path))) << path << " is documented but not served";
  }
}

}  // namespace
}  // namespace backend::e2e
