#include "http/access_policy.hpp"

#include <gtest/gtest.h>

namespace backend {
namespace {

TEST(AccessPolicyHost, AcceptsTheLoopbackNamesWithOurPortOnly) {
  AccessPolicy policy(4321, {}, {}, "");
  EXPECT_TRUE(policy.host_allowed("127.0.0.1:4321"));
  EXPECT_TRUE(policy.host_allowed("localhost:4321"));
  EXPECT_TRUE(policy.host_allowed("LOCALHOST:4321"));
  EXPECT_TRUE(policy.host_allowed("[::1]:4321"));
  EXPECT_FALSE(policy.host_allowed("127.0.0.1:4322"));
  EXPECT_FALSE(policy.host_allowed("localhost"));
  EXPECT_FALSE(policy.host_allowed("evil.example:4321"));
  EXPECT_FALSE(policy.host_allowed("127.0.0.1:4321.evil.example"));
  EXPECT_FALSE(policy.host_allowed(""));
}

TEST(AccessPolicyHost, AddsConfiguredNamesOnOurPortOrTheirOwn) {
  AccessPolicy policy(4321, {"app.local", "proxy.local:8080"}, {}, "");
  EXPECT_TRUE(policy.host_allowed("app.local:4321"));
  EXPECT_TRUE(policy.host_allowed("proxy.local:8080"));
  EXPECT_FALSE(policy.host_allowed("app.local:1"));
}

TEST(AccessPolicyOrigin, AllowsTauriOriginsAndConfiguredOnesExactly) {
  AccessPolicy policy(1, {}, {"http://localhost:1420"}, "");
  EXPECT_TRUE(policy.origin_allowed("tauri://localhost"));
  EXPECT_TRUE(policy.origin_allowed("http://tauri.localhost"));
  EXPECT_TRUE(policy.origin_allowed("https://tauri.localhost"));
  EXPECT_TRUE(policy.origin_allowed("http://localhost:1420"));
  EXPECT_FALSE(policy.origin_allowed("http://localhost:1421"));
  EXPECT_FALSE(policy.origin_allowed("null"));
  EXPECT_FALSE(policy.origin_allowed("https://evil.example"));
  EXPECT_FALSE(policy.origin_allowed("http://tauri.localhost.evil.example"));
}

TEST(AccessPolicyToken, RequiresTheExactBearerValue) {
  AccessPolicy policy(1, {}, {}, "abc123");
  EXPECT_TRUE(policy.token_required());
  EXPECT_TRUE(policy.authorization_valid("Bearer abc123"));
  EXPECT_FALSE(policy.authorization_valid("Bearer abc1234"));
  EXPECT_FALSE(policy.authorization_valid("Bearer abc12"));
  EXPECT_FALSE(policy.authorization_valid("Bearer ABC123"));
  EXPECT_FALSE(policy.authorization_valid("abc123"));
  EXPECT_FALSE(policy.authorization_valid(""));
}

TEST(AccessPolicyToken, IsNotRequiredWhenUnset) {
  AccessPolicy policy(1, {}, {}, "");
  EXPECT_FALSE(policy.token_required());
  EXPECT_FALSE(policy.authorization_valid("Bearer "));
}

}  // namespace
}  // namespace backend
