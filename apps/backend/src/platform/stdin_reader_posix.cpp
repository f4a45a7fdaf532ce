#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <boost/asio/posix/stream_descriptor.hpp>

#include "platform/stdin_reader.hpp"

namespace backend::platform {

struct StdinReader::Impl {
  boost::asio::posix::stream_descriptor stream;
  std::function<void(std::string_view)> on_bytes;
  std::function<void()> on_eof;
  std::array<char, 512> buffer{};
  int saved_flags = -1;
  bool stopped = false;

  Impl(boost::asio::io_context& io, std::function<void(std::string_view)> bytes, std::function<void()> eof)
      : stream(io), on_bytes(std::move(bytes)), on_eof(std::move(eof)) {}

  void read() {
    stream.async_read_some(boost::asio::buffer(buffer),
                           [this](const boost::system::error_code& ec, std::size_t n) {
                             if (stopped) return;
                             if (ec) {
                               if (ec != boost::asio::error::operation_aborted) on_eof();
                               return;
                             }
                             on_bytes({buffer.data(), n});
                             if (!stopped) read();
                           });
  }
};

StdinReader::StdinReader(boost::asio::io_context& io, std::function<void(std::string_view)> on_bytes,
                         std::function<void()> on_eof)
    : impl_(std::make_unique<Impl>(io, std::move(on_bytes), std::move(on_eof))) {}

StdinReader::~StdinReader() {
  stop();
}

std::optional<std::string> StdinReader::start() {
  // A duplicate, so that closing our side leaves descriptor 0 itself alone.
  int fd = ::dup(STDIN_FILENO);
  if (fd < 0) return "stdin is closed";
  impl_->saved_flags = ::fcntl(fd, F_GETFL);
  boost::system::error_code ec;
  impl_->stream.assign(fd, ec);
  if (ec) {
    ::close(fd);
    impl_->saved_flags = -1;
    // epoll refuses regular files and /dev/null: such a stdin can carry no commands.
    return "stdin is not a pipe or terminal (" + ec.message() + ")";
  }
  impl_->read();
  return std::nullopt;
}

void StdinReader::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  if (!impl_->stream.is_open()) return;
  boost::system::error_code ignored;
  impl_->stream.cancel(ignored);
  // Asio made the descriptor non-blocking, and the flag is shared with whoever else holds this pipe or
  // terminal.
  if (impl_->saved_flags >= 0) ::fcntl(impl_->stream.native_handle(), F_SETFL, impl_->saved_flags);
  impl_->stream.close(ignored);
}

}  // namespace backend::platform
