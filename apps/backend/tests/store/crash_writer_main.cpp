// The child of SettingsStoreCrash: opens the store in argv[1] and writes keys "<argv[2]>-<n>" forever,
// keeping 16 writes in flight. Each answered write is reported on stdout as "<revision> <key>\n", only after
// its `done` ran, i.e. once it is durable. The test SIGKILLs this process at arbitrary points.
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <functional>
#include <string>

#include "log/logger.hpp"
#include "platform/io_concurrency.hpp"
#include "store/settings_store.hpp"

namespace {

class StderrSink : public backend::LogSink {
 public:
  bool try_write(std::string_view line) override {
    return ::write(2, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  }
};

void report(const std::string& line) {
  // One write per line: lines never interleave, and a kill never leaves half a report that looks whole.
  if (::write(1, line.data(), line.size()) != static_cast<ssize_t>(line.size())) std::_Exit(3);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace backend::store;
  if (argc != 3) return 2;
  boost::asio::io_context io(backend::platform::kIoConcurrencyHint);
  StderrSink sink;
  backend::Logger log(backend::LogLevel::info, sink);
  OpenOptions options;
  options.dir = argv[1];
  options.change_log_size = 50;
  auto opened = SettingsStore::open(io, options, log);
  if (auto* error = std::get_if<OpenError>(&opened)) {
    log.error(error->message);
    return 1;
  }
  auto& store = *std::get<std::unique_ptr<SettingsStore>>(opened);
  std::string prefix = argv[2];
  long next = 0;
  std::function<void()> write_one = [&] {
    auto key = prefix + "-" + std::to_string(next++);
    // Values of varied sizes, some over a page, so transactions span several pages.
    auto value = "\"" + std::string(static_cast<std::size_t>((next * 997) % 9000), 'v') + "\"";
    store.submit(Write{Write::Op::put, key, value}, [&, key](const WriteResult& result) {
      if (result.status != WriteStatus::ok) std::_Exit(4);
      report(std::to_string(result.revision) + " " + key + "\n");
      write_one();
    });
  };
  for (int i = 0; i < 16; ++i)
    write_one();
  report("ready\n");
  io.run();
  return 0;
}
