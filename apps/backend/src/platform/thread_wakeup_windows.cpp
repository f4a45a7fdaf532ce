#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <mutex>

#include "platform/thread_wakeup.hpp"

namespace backend::platform {
namespace {

using WorkGuard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;

// Shared with the posted handlers, which may still sit in the io_context's queue after the ThreadWakeup is
// gone.
struct Shared {
  std::mutex mutex;
  boost::asio::io_context* io = nullptr;  // null once destroyed
  std::function<void()> on_wake;          // I/O thread only
  std::optional<WorkGuard> armed;         // I/O thread only: keeps the io_context running until the wake
};

}  // namespace

struct ThreadWakeup::Impl {
  std::shared_ptr<Shared> shared = std::make_shared<Shared>();
};

ThreadWakeup::ThreadWakeup(boost::asio::io_context& io, std::function<void()> on_wake)
    : impl_(std::make_unique<Impl>()) {
  impl_->shared->io = &io;
  impl_->shared->on_wake = std::move(on_wake);
}

ThreadWakeup::~ThreadWakeup() {
  std::lock_guard lock(impl_->shared->mutex);
  impl_->shared->io = nullptr;
  impl_->shared->armed.reset();
}

std::optional<std::string> ThreadWakeup::open() {
  return std::nullopt;
}

void ThreadWakeup::arm() {
  auto& shared = *impl_->shared;
  if (!shared.armed) shared.armed.emplace(shared.io->get_executor());
}

// The Windows io_context keeps its locks (io_concurrency.hpp), so posting from another thread is safe.
void ThreadWakeup::notify() {
  std::lock_guard lock(impl_->shared->mutex);
  if (impl_->shared->io == nullptr) return;
  boost::asio::post(*impl_->shared->io, [shared = impl_->shared] {
    {
      std::lock_guard inner(shared->mutex);
      if (shared->io == nullptr) return;
    }
    shared->armed.reset();
    shared->on_wake();
  });
}

}  // namespace backend::platform
