#pragma once
// Reads the host's control channel, our stdin, without blocking the server. Bytes and EOF are delivered on
// the io_context.
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace backend::platform {

class StdinReader {
 public:
  StdinReader(boost::asio::io_context& io, std::function<void(std::string_view bytes)> on_bytes,
              std::function<void()> on_eof);
  ~StdinReader();
  StdinReader(const StdinReader&) = delete;
  StdinReader& operator=(const StdinReader&) = delete;

  // Starts reading. Returns why stdin cannot serve as a control channel, if it cannot (e.g. it is a regular
  // file).
  std::optional<std::string> start();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace backend::platform
