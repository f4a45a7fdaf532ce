#include "events/event_frame.hpp"

#include <array>
#include <charconv>

namespace backend::events {
namespace {

void append_number(std::string& out, std::uint64_t value, int base = 10) {
  std::array<char, 24> digits{};
  auto end = std::to_chars(digits.data(), digits.data() + digits.size(), value, base).ptr;
  out.append(digits.data(), static_cast<std::size_t>(end - digits.data()));
}

// Wraps the payload built by `write` (which appends to the string it is given) in chunk framing, in one
// allocation sized from an estimate.
template <typename Write>
EventFramePtr framed(std::uint64_t id, std::size_t estimate, Write write) {
  std::string payload;
  payload.reserve(estimate);
  write(payload);
  auto frame = std::make_shared<EventFrame>();
  frame->id = id;
  frame->bytes.reserve(payload.size() + 24);
  append_number(frame->bytes, payload.size(), 16);
  frame->bytes += "\r\n";
  frame->payload_offset = frame->bytes.size();
  frame->payload_size = payload.size();
  frame->bytes += payload;
  frame->bytes += "\r\n";
  return frame;
}

}  // namespace

EventFramePtr make_event_frame(std::uint64_t id, std::string_view name, std::string_view data) {
  return framed(id, data.size() + name.size() + 48, [&](std::string& out) {
    out += "id: ";
    append_number(out, id);
    out += "\nevent: ";
    out += name;
    out += '\n';
    // §9.2.6: a line ends at CRLF, LF or CR; each line of the data is its own data field.
    for (;;) {
      auto end = data.find_first_of("\r\n");
      out += "data: ";
      out += data.substr(0, end);
      out += '\n';
      if (end == std::string_view::npos) break;
      std::size_t skip = (data[end] == '\r' && end + 1 < data.size() && data[end + 1] == '\n') ? 2 : 1;
      data.remove_prefix(end + skip);
    }
    out += '\n';
  });
}

EventFramePtr make_comment_frame(std::string_view text) {
  return framed(0, text.size() + 4, [&](std::string& out) {
    out += ": ";
    out += text;
    out += "\n\n";
  });
}

EventFramePtr make_retry_frame(std::chrono::milliseconds delay) {
  return framed(0, 32, [&](std::string& out) {
    out += "retry: ";
    append_number(out, static_cast<std::uint64_t>(delay.count()));
    out += "\n\n";
  });
}

const EventFramePtr& end_of_stream_frame() {
  static const EventFramePtr frame = [] {
    auto end = std::make_shared<EventFrame>();
    end->bytes = "0\r\n\r\n";
    end->payload_offset = end->bytes.size();
    return EventFramePtr(std::move(end));
  }();
  return frame;
}

}  // namespace backend::events
