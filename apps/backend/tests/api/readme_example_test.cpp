// The README's "Adding an endpoint" example, extracted from README.md at configure time, declared in a table
// and exercised through the real dispatcher: if the README's C++ stops compiling or working, this fails.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "api/openapi.hpp"
#include "http/router.hpp"
#include "readme_example.hpp"

namespace backend {
namespace {

namespace http = boost::beast::http;
namespace json = boost::json;

class ReadmeExample : public ::testing::Test {
 protected:
  Response post(std::string target, std::string body, std::string content_type = "application/json") {
    request_ = {};
    request_.method = http::verb::post;
    request_.target = std::move(target);
    request_.host = "127.0.0.1:4321";
    request_.host_count = 1;
    request_.content_type = std::move(content_type);
    request_.content_length = body.size();
    request_.body = std::move(body);
    Response response;
    router_.handle(request_, response, std::chrono::system_clock::now(), std::chrono::steady_clock::now());
    return response;
  }
  static json::value parse(const Response& r) { return json::parse(r.payload()); }

  api::RouteTable table_{greetings::endpoints(), {{"meta", "Health and self-description."}}};
  Router router_{AccessPolicy(4321, {}, {}, ""), table_, "demo", std::chrono::steady_clock::now()};
  Request request_;
};

TEST_F(ReadmeExample, TheRouteAnswersWithItsTypedBodyQueryAndAnswer) {
  auto r = post("/greetings?shout=true&unknown=1", R"({"name":"Ada","language":"fr"})");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(parse(r), json::parse(R"({"text":"Bonjour, Ada!","length":13})"));
  auto plain = post("/greetings", R"({"name":"Ada"})");
  EXPECT_EQ(parse(plain).at("text"), "Hello, Ada.");
}

TEST_F(ReadmeExample, TheLayerRefusesBadBodiesAndQueries) {
  auto wrong_type = post("/greetings", R"({"name":1})");
  EXPECT_EQ(wrong_type.status, 422u);
  EXPECT_EQ(parse(wrong_type).at("pointer"), "/name");
  auto bad_enum = post("/greetings", R"({"name":"Ada","language":"de"})");
  EXPECT_EQ(bad_enum.status, 422u);
  EXPECT_EQ(parse(bad_enum).at("pointer"), "/language");
  EXPECT_EQ(post("/greetings?shout=maybe", R"({"name":"Ada"})").status, 400u);
  EXPECT_EQ(post("/greetings", R"({"name":"Ada"})", "text/plain").status, 415u);
  EXPECT_EQ(post("/greetings", R"({"name":)").status, 400u);
}

TEST_F(ReadmeExample, TheDocumentDescribesTheRouteFromTheSameTypes) {
  auto doc = json::parse(api::openapi_document(table_, "1.2.3"));
  const auto& operation = doc.at("paths").at("/greetings").at("post");
  EXPECT_EQ(operation.at("operationId"), "createGreeting");
  EXPECT_EQ(operation.at("parameters").at(0).at("name"), "shout");
  EXPECT_EQ(operation.at("parameters").at(0).at("in"), "query");
  EXPECT_EQ(operation.at("requestBody").at("content").at("application/json").at("schema").at("$ref"),
            "#/components/schemas/GreetingRequest");
  const auto& schemas = doc.at("components").at("schemas");
  EXPECT_EQ(schemas.at("Language").at("enum"), json::parse(R"(["en","fr"])"));
  EXPECT_EQ(schemas.at("GreetingRequest").at("required"), json::parse(R"(["name"])"));
  EXPECT_EQ(schemas.at("GreetingRequest").at("additionalProperties"), false);
  EXPECT_EQ(doc.at("paths")
                .at("/greetings")
                .at("options")
                .at("responses")
                .at("204")
                .at("headers")
                .at("Access-Control-Allow-Methods")
                .at("schema")
                .at("const"),
            "POST, OPTIONS");
}

}  // namespace
}  // namespace backend
