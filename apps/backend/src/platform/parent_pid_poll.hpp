#pragma once
// What the POSIX parent watches (Linux pidfd, macOS kqueue) share: the parent pid recorded at start, a
// callback that fires at most once, and a poll of getppid() for when the OS's own notification cannot be set
// up.
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>

namespace backend::platform {

class ParentPidPoll {
 public:
  ParentPidPoll(boost::asio::io_context& io, std::function<void()> on_parent_exit)
      : timer_(io), on_parent_exit_(std::move(on_parent_exit)) {}

  // Records the parent to watch; returns its pid.
  pid_t record_parent() { return parent_ = ::getppid(); }
  // Reparented: the recorded parent has died, whatever the OS notification says (or missed).
  bool parent_gone() const { return ::getppid() != parent_; }

  // Call once the OS notification is set up, or has failed (`os_watching` false): the parent may have died
  // before it was, so this checks once now, and polls where there is no notification.
  void settle(bool os_watching) {
    if (parent_gone()) {
      boost::asio::post(timer_.get_executor(), [this] { fire(); });
    } else if (!os_watching) {
      poll();
    }
  }

  // Runs the callback on the io_context's thread, at most once, and never after stop().
  void fire() {
    if (fired_ || stopped_) return;
    fired_ = true;
    on_parent_exit_();
  }

  void stop() {
    stopped_ = true;
    timer_.cancel();
  }

 private:
  static constexpr std::chrono::milliseconds kPollPeriod{200};

  void poll() {
    timer_.expires_after(kPollPeriod);
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopped_) return;
      if (parent_gone()) return fire();
      poll();
    });
  }

  boost::asio::steady_timer timer_;
  std::function<void()> on_parent_exit_;
  pid_t parent_ = 0;
  bool stopped_ = false;
  bool fired_ = false;
};

}  // namespace backend::platform
