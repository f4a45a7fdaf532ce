#pragma once
// The live event streams, and the one place events are published to them. publish() formats an event once
// and hands the same frame to every stream, which writes it at once (no timer, no sweep in between). A
// stream that joins late is first sent what it missed, from a replay source (the store's change log) that the
// owner installs.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <string>
#include <string_view>
#include <vector>

#include "events/event_frame.hpp"

namespace backend::events {

// What a stream does with a published frame: queue it and write it (net/session.cpp).
class EventSink {
 public:
  virtual void deliver(const EventFramePtr& frame) = 0;

 protected:
  ~EventSink() = default;
};

struct ReplayedEvent {
  std::uint64_t id = 0;
  std::string name;
  std::string data;  // JSON
};

class EventHub {
 public:
  using Handle = std::list<EventSink*>::iterator;
  // Appends, in order, the events a stream resuming after `last_event_id` (the Last-Event-ID header, empty on
  // a first connection) must see first. Where it cannot replay from that id, it appends a `resync` event
  // first, so the client refetches the whole state.
  using ReplaySource = std::function<void(std::string_view last_event_id, std::vector<ReplayedEvent>& out)>;

  Handle subscribe(EventSink& sink) { return sinks_.insert(sinks_.end(), &sink); }
  void unsubscribe(Handle handle) { sinks_.erase(handle); }
  std::size_t size() const { return sinks_.size(); }

  // Formats the event once and delivers it to every stream. A stream may close itself while it is delivered
  // to (its queue overflowed).
  void publish(std::uint64_t id, std::string_view name, std::string_view data_json);

  void set_replay_source(ReplaySource source) { replay_ = std::move(source); }
  // The frames a new stream sends after its header: the retry delay, then what the replay source gives.
  std::vector<EventFramePtr> opening_frames(std::string_view last_event_id) const;

 private:
  std::list<EventSink*> sinks_;
  ReplaySource replay_;
};

}  // namespace backend::events
