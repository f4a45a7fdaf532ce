#include "http/router.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "app/route_table.hpp"
#include "http/http_error.hpp"

namespace backend {
namespace {

namespace http = boost::beast::http;
using std::chrono::seconds;

constexpr std::uint16_t kPort = 4321;

class RouterTest : public ::testing::Test {
 protected:
  // A response may point into its request (the echoed Origin), so the request is kept in the fixture.
  Response handle(Request request, const Router* router = nullptr) {
    request_ = std::move(request);
    if (request_.host_count == 0) {
      request_.host = "127.0.0.1:4321";
      request_.host_count = 1;
    }
    Response response;
    (router ? *router : router_).handle(request_, response, wall_, started_ + seconds(3));
    return response;
  }
  static Request get(std::string target, http::verb method = http::verb::get) {
    Request r;
    r.method = method;
    r.target = std::move(target);
    return r;
  }
  static std::string error_code_of(const Response& r) {
    return std::string(boost::json::parse(r.payload()).as_object().at("error").as_string());
  }

  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::system_clock::time_point wall_ = std::chrono::system_clock::time_point(seconds(1'700'000'000));
  Request request_;
  Router router_{AccessPolicy(kPort, {}, {"http://localhost:1420"}, ""), app::route_table(), "demo", started_,
                 api::Services{.openapi_document = &app::openapi_document}};
};

TEST_F(RouterTest, HealthAnswersTheDocument) {
  auto r = handle(get("/health"));
  EXPECT_EQ(r.status, 200u);
  auto doc = boost::json::parse(r.body).as_object();
  EXPECT_EQ(doc.at("status").as_string(), "ok");
  EXPECT_EQ(doc.at("app").as_string(), "demo");
  EXPECT_EQ(doc.at("timestamp").as_int64(), 1'700'000'000'000);
  EXPECT_DOUBLE_EQ(doc.at("uptime").as_double(), 3.0);
  EXPECT_FALSE(r.omit_body);
}

TEST_F(RouterTest, HealthIgnoresTheQueryString) {
  EXPECT_EQ(handle(get("/health?probe=1")).status, 200u);
}

TEST_F(RouterTest, PercentEncodedPathSegmentsMatchTheirDecodedForm) {
  EXPECT_EQ(handle(get("/%68ealth")).status, 200u);
  EXPECT_EQ(handle(get("/%68EALTH")).status, 404u);
  EXPECT_EQ(handle(get("/health%2F")).status, 404u);
  EXPECT_EQ(handle(get("/healt")).status, 404u);
}

TEST_F(RouterTest, HeadHasTheSameBodyLengthButOmitsIt) {
  auto r = handle(get("/health", http::verb::head));
  EXPECT_EQ(r.status, 200u);
  EXPECT_TRUE(r.omit_body);
  EXPECT_FALSE(r.body.empty());
}

TEST_F(RouterTest, OpenApiServesTheEmbeddedDocument) {
  auto r = handle(get("/openapi.json"));
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, app::openapi_document());
}

TEST_F(RouterTest, UnknownPathIs404WithJson) {
  auto r = handle(get("/nope"));
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(error_code_of(r), "not_found");
  EXPECT_EQ(handle(get("/health/")).status, 404u);
  EXPECT_EQ(handle(get("http://127.0.0.1:4321/nope")).status, 404u);
}

// RFC 9112 §3.2.2: absolute-form is routed when it is an http URL; any other scheme, an http URI without its
// "//" authority, and userinfo are 400. ("a:?" and "http:?" once reached a Boost.URL assertion.)
TEST_F(RouterTest, AbsoluteFormTakesOnlyHttpUrls) {
  EXPECT_EQ(handle(get("http://127.0.0.1:4321/health")).status, 200u);
  EXPECT_EQ(handle(get("HTTP://127.0.0.1:4321/health?probe=1")).status, 200u);
  for (std::string target : {"a:?", "a:#", "http:?", "http:#", "http:/health", "otp:\xaf",
                             "ftp://127.0.0.1:4321/health", "http://user@127.0.0.1:4321/health", "*"}) {
    auto r = handle(get(target));
    EXPECT_EQ(r.status, 400u) << target;
    EXPECT_EQ(error_code_of(r), "bad_request") << target;
  }
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  for (auto method : {http::verb::post, http::verb::put, http::verb::delete_, http::verb::patch}) {
    auto r = handle(get("/health", method));
    EXPECT_EQ(r.status, 405u);
    EXPECT_EQ(r.allow, "GET, HEAD, OPTIONS");
    EXPECT_EQ(error_code_of(r), "method_not_allowed");
  }
}

TEST_F(RouterTest, PlainOptionsListsTheMethods) {
  auto r = handle(get("/health", http::verb::options));
  EXPECT_EQ(r.status, 204u);
  EXPECT_EQ(r.allow, "GET, HEAD, OPTIONS");
  EXPECT_TRUE(r.cors_origin.empty());
}

TEST_F(RouterTest, ForeignHostIs421BeforeAnythingElse) {
  auto request = get("/health");
  request.host = "evil.example:4321";
  request.host_count = 1;
  auto r = handle(request);
  EXPECT_EQ(r.status, 421u);
  EXPECT_EQ(error_code_of(r), "misdirected_request");
  EXPECT_EQ(r.body.find("ok"), std::string_view::npos);
}

TEST_F(RouterTest, AllowedOriginIsEchoedNeverStar) {
  auto request = get("/health");
  request.origin = "tauri://localhost";
  request.origin_count = 1;
  auto r = handle(request);
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.cors_origin, "tauri://localhost");
}

TEST_F(RouterTest, OtherOriginsGet403AndNoCorsHeaders) {
  auto request = get("/health");
  request.origin = "https://evil.example";
  request.origin_count = 1;
  auto r = handle(request);
  EXPECT_EQ(r.status, 403u);
  EXPECT_TRUE(r.cors_origin.empty());
}

TEST_F(RouterTest, PreflightFromAllowedOriginIs204WithCorsAnswers) {
  auto request = get("/health", http::verb::options);
  request.origin = "http://localhost:1420";
  request.origin_count = 1;
  request.access_control_request_method = "GET";
  auto r = handle(request);
  EXPECT_EQ(r.status, 204u);
  EXPECT_TRUE(r.cors_preflight);
  EXPECT_EQ(r.cors_origin, "http://localhost:1420");
}

TEST_F(RouterTest, TokenIsRequiredWhenConfiguredButNotForPreflights) {
  Router guarded(AccessPolicy(kPort, {}, {}, "tok"), app::route_table(), "demo", started_);
  auto missing = handle(get("/health"), &guarded);
  EXPECT_EQ(missing.status, 401u);
  EXPECT_TRUE(missing.www_authenticate);
  auto wrong = get("/health");
  wrong.authorization = "Bearer nope";
  EXPECT_EQ(handle(wrong, &guarded).status, 401u);
  auto right = get("/health");
  right.authorization = "Bearer tok";
  EXPECT_EQ(handle(right, &guarded).status, 200u);
  // An unknown path is not revealed to a client without the token.
  EXPECT_EQ(handle(get("/nope"), &guarded).status, 401u);

  auto preflight = get("/health", http::verb::options);
  preflight.origin = "tauri://localhost";
  preflight.origin_count = 1;
  preflight.access_control_request_method = "GET";
  EXPECT_EQ(handle(preflight, &guarded).status, 204u);
}

TEST(RouterRoutes, TheTableHoldsHealthAndOpenApiWithTheirAllow) {
  const auto& paths = app::route_table().paths();
  ASSERT_GE(paths.size(), 2u);
  EXPECT_EQ(paths[0].path, "/health");
  EXPECT_EQ(paths[0].allow, "GET, HEAD, OPTIONS");
  EXPECT_EQ(paths[1].path, "/openapi.json");
}

}  // namespace
}  // namespace backend
