#include "lifecycle/control_lines.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace backend {
namespace {

struct Line {
  std::string text;
  bool too_long;
  bool operator==(const Line&) const = default;
};

std::vector<Line> feed(ControlLineSplitter& splitter, std::string_view bytes) {
  std::vector<Line> lines;
  splitter.feed(bytes, [&](std::string_view line, bool too_long) {
    lines.push_back({std::string(line), too_long});
  });
  return lines;
}

TEST(ControlLineSplitter, SplitsOnLfAndDropsCr) {
  ControlLineSplitter s;
  EXPECT_EQ(feed(s, "shutdown\nnext\r\n"), (std::vector<Line>{{"shutdown", false}, {"next", false}}));
}

TEST(ControlLineSplitter, JoinsLinesSplitAcrossReads) {
  ControlLineSplitter s;
  EXPECT_TRUE(feed(s, "shut").empty());
  EXPECT_EQ(feed(s, "down\n"), (std::vector<Line>{{"shutdown", false}}));
}

TEST(ControlLineSplitter, DiscardsOverlongLinesWhole) {
  ControlLineSplitter s;
  std::string huge(limits::kMaxControlLineBytes + 10, 'x');
  EXPECT_EQ(feed(s, huge + "shutdown\nshutdown\n"), (std::vector<Line>{{"", true}, {"shutdown", false}}));
}

TEST(ControlCommand, KnowsShutdownOnly) {
  EXPECT_EQ(parse_control_line("shutdown"), ControlCommand::shutdown);
  EXPECT_EQ(parse_control_line("  shutdown \t"), ControlCommand::shutdown);
  EXPECT_EQ(parse_control_line("SHUTDOWN"), ControlCommand::unknown);
  EXPECT_EQ(parse_control_line("shutdown now"), ControlCommand::unknown);
  EXPECT_EQ(parse_control_line(""), ControlCommand::none);
  EXPECT_EQ(parse_control_line("   "), ControlCommand::none);
}

}  // namespace
}  // namespace backend
