#include "log/printable.hpp"

#include <gtest/gtest.h>

namespace backend {
namespace {

TEST(Printable, KeepsPlainAsciiAsItIs) {
  EXPECT_EQ(printable("shutdown now", 40), "shutdown now");
}

TEST(Printable, ReplacesControlsAndNonAsciiSoNothingCanForgeALogLine) {
  EXPECT_EQ(printable("a\nwarn: fake\x1b[2J\x7f\xc3\xa9", 40), "a?warn: fake?[2J???");
}

TEST(Printable, CutsLongTextAndSaysSo) {
  EXPECT_EQ(printable(std::string(50, 'x'), 4), "xxxx...");
}

}  // namespace
}  // namespace backend
