#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cerrno>
#include <cstring>

#include "platform/thread_wakeup.hpp"

namespace backend::platform {

struct ThreadWakeup::Impl {
  boost::asio::posix::stream_descriptor reader;
  int write_fd = -1;
  std::function<void()> on_wake;
  std::array<char, 64> buffer{};
  bool reading = false;

  Impl(boost::asio::io_context& io, std::function<void()> wake) : reader(io), on_wake(std::move(wake)) {}
};

ThreadWakeup::ThreadWakeup(boost::asio::io_context& io, std::function<void()> on_wake)
    : impl_(std::make_unique<Impl>(io, std::move(on_wake))) {}

ThreadWakeup::~ThreadWakeup() {
  boost::system::error_code ignored;
  impl_->reader.close(ignored);
  if (impl_->write_fd >= 0) ::close(impl_->write_fd);
}

std::optional<std::string> ThreadWakeup::open() {
  // pipe() and fcntl() rather than pipe2(): macOS has no pipe2.
  int fds[2];
  if (::pipe(fds) != 0) return std::string("cannot create a pipe: ") + std::strerror(errno);
  for (int fd : fds) {
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  }
  boost::system::error_code ec;
  impl_->reader.assign(fds[0], ec);
  if (ec) {
    ::close(fds[0]);
    ::close(fds[1]);
    return "cannot watch a pipe: " + ec.message();
  }
  impl_->write_fd = fds[1];
  return std::nullopt;
}

void ThreadWakeup::arm() {
  if (impl_->reading || !impl_->reader.is_open()) return;
  impl_->reading = true;
  // Reads every byte waiting: one wake covers any number of notifies.
  impl_->reader.async_read_some(boost::asio::buffer(impl_->buffer),
                                [impl = impl_.get()](const boost::system::error_code& ec, std::size_t) {
                                  // Aborted: the ThreadWakeup is being destroyed; touch nothing.
                                  if (ec == boost::asio::error::operation_aborted) return;
                                  impl->reading = false;
                                  impl->on_wake();
                                });
}

void ThreadWakeup::notify() {
  // A full pipe (EAGAIN) already holds a wake, so a failed write loses nothing.
  char byte = 1;
  ssize_t ignored = ::write(impl_->write_fd, &byte, 1);
  (void)ignored;
}

}  // namespace backend::platform
