#pragma once
// A stream's bounded queue of frames not yet written (those being written included). A subscriber that stops
// reading fills it, and is then disconnected rather than let the server's memory grow; it catches up through
// Last-Event-ID when it reconnects. The bound is in limits.hpp.
#include <cstddef>
#include <deque>

#include "events/event_frame.hpp"

namespace backend::events {

class EventQueue {
 public:
  EventQueue(std::size_t max_frames, std::size_t max_bytes)
      : max_frames_(max_frames), max_bytes_(max_bytes) {}

  // False, queueing nothing, when the frame would take the queue past its bound.
  bool push(EventFramePtr frame);
  void pop(std::size_t count);

  bool empty() const { return frames_.empty(); }
  std::size_t size() const { return frames_.size(); }
  std::size_t bytes() const { return bytes_; }
  const std::deque<EventFramePtr>& frames() const { return frames_; }

 private:
  std::deque<EventFramePtr> frames_;
  std::size_t bytes_ = 0;
  std::size_t max_frames_;
  std::size_t max_bytes_;
};

}  // namespace backend::events
