#pragma once
// One server-sent event, serialized once for every stream that receives it (WHATWG HTML §9.2). The bytes are
// framed as one chunk of a chunked body ("<size in hex>\r\n" payload "\r\n"); an HTTP/1.0 stream, which is
// close-delimited, writes the payload alone. Streams share a frame through a shared_ptr, so publishing to a
// hundred streams formats and allocates once.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace backend::events {

struct EventFrame {
  std::string bytes;  // the chunk: size line, payload, CRLF
  std::size_t payload_offset = 0;
  std::size_t payload_size = 0;
  std::uint64_t id = 0;  // the event's id; 0 for what is not an event (a comment, retry, the end)

  std::string_view chunked() const { return bytes; }
  std::string_view payload() const { return {bytes.data() + payload_offset, payload_size}; }
};

using EventFramePtr = std::shared_ptr<const EventFrame>;

// "id: <id>\nevent: <name>\ndata: <line>\n...\n". `name` must hold no line break; `data` may, and becomes
// one data line per line.
EventFramePtr make_event_frame(std::uint64_t id, std::string_view name, std::string_view data);
// ": <text>\n\n": ignored by clients, shows an idle stream is alive.
EventFramePtr make_comment_frame(std::string_view text);
// "retry: <ms>\n\n": how long a client waits before it reconnects.
EventFramePtr make_retry_frame(std::chrono::milliseconds delay);
// The last chunk, "0\r\n\r\n": the clean end of a chunked body. Its payload is empty.
const EventFramePtr& end_of_stream_frame();

}  // namespace backend::events
