#include "log/logger.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace backend {
namespace {

class ScriptedSink : public LogSink {
 public:
  bool accepting = true;
  std::vector<std::string> lines;
  bool try_write(std::string_view line) override {
    if (!accepting) return false;
    lines.emplace_back(line);
    return true;
  }
};

TEST(Logger, WritesLevelAndMessageAsOneLine) {
  ScriptedSink sink;
  Logger log(LogLevel::info, sink);
  log.info("hello");
  ASSERT_EQ(sink.lines.size(), 1u);
  EXPECT_EQ(sink.lines[0], "info: hello\n");
}

TEST(Logger, FiltersBelowItsLevel) {
  ScriptedSink sink;
  Logger log(LogLevel::warn, sink);
  log.info("no");
  log.debug("no");
  log.warn("yes");
  log.error("yes");
  EXPECT_EQ(sink.lines.size(), 2u);
  EXPECT_FALSE(log.enabled(LogLevel::info));
}

TEST(Logger, CountsDroppedLinesAndReportsThemWhenTheSinkRecovers) {
  ScriptedSink sink;
  Logger log(LogLevel::debug, sink);
  sink.accepting = false;
  for (int i = 0; i < 3; ++i)
    log.debug("lost");
  EXPECT_EQ(log.dropped_lines(), 3u);
  sink.accepting = true;
  log.info("back");
  ASSERT_EQ(sink.lines.size(), 2u);
  EXPECT_EQ(sink.lines[0], "warn: 3 log lines were dropped because stderr was not being read\n");
  EXPECT_EQ(sink.lines[1], "info: back\n");
  EXPECT_EQ(log.dropped_lines(), 0u);
}

TEST(Logger, CutsOverlongLinesButKeepsTheNewline) {
  ScriptedSink sink;
  Logger log(LogLevel::info, sink);
  log.info(std::string(5000, 'x'));
  ASSERT_EQ(sink.lines.size(), 1u);
  EXPECT_LE(sink.lines[0].size(), 1024u);
  EXPECT_EQ(sink.lines[0].back(), '\n');
}

TEST(Logger, TellsItsOwnerOnceWhenLinesStartBeingDropped) {
  ScriptedSink sink;
  Logger log(LogLevel::info, sink);
  int told = 0;
  log.on_first_drop([&] { ++told; });
  sink.accepting = false;
  log.info("lost");
  log.info("lost");
  EXPECT_EQ(told, 1);
  sink.accepting = true;
  log.report_dropped();
  EXPECT_EQ(log.dropped_lines(), 0u);
  sink.accepting = false;
  log.info("lost again");
  EXPECT_EQ(told, 2);
}

}  // namespace
}  // namespace backend
