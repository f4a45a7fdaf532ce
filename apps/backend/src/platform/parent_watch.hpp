#pragma once
// Notices when the process that started us dies, however it dies (a SIGKILL of the host included), so that we
// are never left orphaned holding a port. Linux: a pidfd, with a check of the parent pid as a fallback;
// macOS: kqueue EVFILT_PROC/NOTE_EXIT; Windows: a wait on a handle to the parent process.
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace backend::platform {

class ParentWatch {
 public:
  ParentWatch(boost::asio::io_context& io, std::function<void()> on_parent_exit);
  ~ParentWatch();
  ParentWatch(const ParentWatch&) = delete;
  ParentWatch& operator=(const ParentWatch&) = delete;

  // Returns why the parent cannot be watched, if it cannot. `on_parent_exit` runs at most once, on the
  // io_context.
  std::optional<std::string> start();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace backend::platform
