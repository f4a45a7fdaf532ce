#include "net/admission.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "http/limits.hpp"

namespace backend {
namespace {

TEST(ConnectionCap, IsTheDescriptorLimitLessAReserve) {
  EXPECT_EQ(connection_cap(1024, 0), 1024 - limits::kReservedDescriptors);
}

TEST(ConnectionCap, IsBoundedAboveSoMemoryStaysBounded) {
  EXPECT_EQ(connection_cap(1'048'576, 0), limits::kMaxConnectionsCeiling);
  EXPECT_EQ(connection_cap(std::numeric_limits<std::size_t>::max(), 0), limits::kMaxConnectionsCeiling);
}

TEST(ConnectionCap, KeepsAFloorWhenDescriptorsAreScarce) {
  EXPECT_EQ(connection_cap(20, 0), limits::kMinConnections);
}

TEST(ConnectionCap, IsFixedWhereDescriptorsDoNotBoundSockets) {
  EXPECT_EQ(connection_cap(std::nullopt, 0), limits::kMaxConnectionsFixed);
}

TEST(ConnectionCap, TheSettingOnlyLowersIt) {
  EXPECT_EQ(connection_cap(1024, 8), 8u);
  EXPECT_EQ(connection_cap(1024, 100'000), 1024 - limits::kReservedDescriptors);
  EXPECT_EQ(connection_cap(std::nullopt, 3), 3u);
}

}  // namespace
}  // namespace backend
