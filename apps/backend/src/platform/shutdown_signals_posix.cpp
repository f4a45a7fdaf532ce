#include <boost/asio/signal_set.hpp>
#include <csignal>

#include "platform/shutdown_signals.hpp"

namespace backend::platform {

struct ShutdownSignals::Impl {
  boost::asio::signal_set signals;
  std::function<void(std::string_view)> on_signal;
  bool cancelled = false;

  Impl(boost::asio::io_context& io, std::function<void(std::string_view)> handler)
      : signals(io, SIGINT, SIGTERM), on_signal(std::move(handler)) {}

  void wait() {
    signals.async_wait([this](const boost::system::error_code& ec, int number) {
      if (ec || cancelled) return;
      on_signal(number == SIGINT ? "SIGINT" : "SIGTERM");
      if (!cancelled) wait();
    });
  }
};

ShutdownSignals::ShutdownSignals(boost::asio::io_context& io, std::function<void(std::string_view)> on_signal)
    : impl_(std::make_unique<Impl>(io, std::move(on_signal))) {
  impl_->wait();
}

ShutdownSignals::~ShutdownSignals() = default;

void ShutdownSignals::cancel() {
  impl_->cancelled = true;
  boost::system::error_code ignored;
  impl_->signals.cancel(ignored);
}

}  // namespace backend::platform
