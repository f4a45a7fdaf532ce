#include "events/event_hub.hpp"

#include "http/limits.hpp"

namespace backend::events {

void EventHub::publish(std::uint64_t id, std::string_view name, std::string_view data_json) {
  if (sinks_.empty()) return;
  auto frame = make_event_frame(id, name, data_json);
  // Advanced before the delivery: a sink that closes removes only its own entry.
  for (auto it = sinks_.begin(); it != sinks_.end();)
    (*it++)->deliver(frame);
}

std::vector<EventFramePtr> EventHub::opening_frames(std::string_view last_event_id) const {
  static const EventFramePtr retry = make_retry_frame(limits::kStreamRetryDelay);
  std::vector<EventFramePtr> frames{retry};
  if (replay_) {
    std::vector<ReplayedEvent> events;
    replay_(last_event_id, events);
    for (const auto& event : events)
      frames.push_back(make_event_frame(event.id, event.name, event.data));
  }
  return frames;
}

}  // namespace backend::events
