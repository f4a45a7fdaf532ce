#include "events/event_frame.hpp"

#include <gtest/gtest.h>

#include "events/event_queue.hpp"

namespace backend::events {
namespace {

TEST(EventFrame, IsOneChunkHoldingTheWhatwgFields) {
  auto frame = make_event_frame(42, "settings.changed", R"({"key":"a","value":1,"revision":42})");
  std::string payload =
      "id: 42\nevent: settings.changed\ndata: {\"key\":\"a\",\"value\":1,\"revision\":42}\n\n";
  EXPECT_EQ(frame->payload(), payload);
  EXPECT_EQ(frame->chunked(), "4a\r\n" + payload + "\r\n");
  EXPECT_EQ(payload.size(), 0x4au);
  EXPECT_EQ(frame->id, 42u);
}

TEST(EventFrame, EachLineOfTheDataIsItsOwnDataField) {
  auto frame = make_event_frame(1, "x", "a\nb\r\nc\rd");
  EXPECT_EQ(frame->payload(), "id: 1\nevent: x\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
}

TEST(EventFrame, CommentsRetryAndTheEndAreNotEvents) {
  EXPECT_EQ(make_comment_frame("ping")->chunked(), "8\r\n: ping\n\n\r\n");
  EXPECT_EQ(make_retry_frame(std::chrono::milliseconds(1000))->payload(), "retry: 1000\n\n");
  EXPECT_EQ(end_of_stream_frame()->chunked(), "0\r\n\r\n");
  EXPECT_TRUE(end_of_stream_frame()->payload().empty());
  EXPECT_EQ(make_comment_frame("ping")->id, 0u);
}

TEST(EventQueue, RefusesWhatWouldTakeItPastEitherBound) {
  auto frame = make_event_frame(1, "x", "y");
  EventQueue by_count(2, 1 << 20);
  EXPECT_TRUE(by_count.push(frame));
  EXPECT_TRUE(by_count.push(frame));
  EXPECT_FALSE(by_count.push(frame));
  EXPECT_EQ(by_count.size(), 2u);

  EventQueue by_bytes(100, frame->bytes.size() * 2 + 1);
  EXPECT_TRUE(by_bytes.push(frame));
  EXPECT_TRUE(by_bytes.push(frame));
  EXPECT_FALSE(by_bytes.push(frame));
  by_bytes.pop(1);
  EXPECT_EQ(by_bytes.bytes(), frame->bytes.size());
  EXPECT_TRUE(by_bytes.push(frame));
}

}  // namespace
}  // namespace backend::events
