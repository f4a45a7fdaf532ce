#include "events/event_queue.hpp"

namespace backend::events {

bool EventQueue::push(EventFramePtr frame) {
  std::size_t size = frame->bytes.size();
  if (frames_.size() >= max_frames_ || bytes_ + size > max_bytes_) return false;
  bytes_ += size;
  frames_.push_back(std::move(frame));
  return true;
}

void EventQueue::pop(std::size_t count) {
  for (; count > 0 && !frames_.empty(); --count) {
    bytes_ -= frames_.front()->bytes.size();
    frames_.pop_front();
  }
}

}  // namespace backend::events
