// Fuzzes the request path, bodies and JSON included: arbitrary bytes, split into arbitrary reads, through one
// connection's HTTP protocol with the real router behind it. libFuzzer drives it under clang (preset `fuzz`);
// under any compiler, replay_main.cpp runs the committed corpus and every crash ever found through it as an
// ordinary test.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/connection_protocol.hpp"
#include "http/limits.hpp"
#include "readme_example.hpp"
#include "settings/routes.hpp"
#include "system/routes.hpp"

namespace {

class NullSink final : public backend::LogSink {
 public:
  bool try_write(std::string_view) override { return true; }
};

// The server's routes without a store (a write answers 503 once its body has been parsed and checked), and
// the README's example, whose body has an enum, an optional member and a query: every body and JSON path.
std::vector<backend::api::Endpoint> fuzzed_routes() {
  auto routes = backend::system::endpoints();
  for (auto& e : backend::settings::endpoints())
    routes.push_back(std::move(e));
  for (auto& e : backend::greetings::endpoints())
    routes.push_back(std::move(e));
  return routes;
}

struct Fixture {
  NullSink sink;
  // Debug level, so request logging is on the fuzzed path too.
  backend::Logger log{backend::LogLevel::debug, sink};
  backend::DateCache date;
  backend::api::RouteTable routes{fuzzed_routes(), {}};
  backend::Router router{backend::AccessPolicy(8080, {"app.local"}, {"http://localhost:1420"}, "token"),
                         routes, "fuzz", std::chrono::steady_clock::now()};
};

// Every answer the protocol writes must be a status line and header block, then exactly Content-Length bytes
// of body, or none at all for HEAD and 204 (our bodies are JSON, so they never start like a status line).
void check_output(std::string_view output) {
  while (!output.empty()) {
    if (!output.starts_with("HTTP/1.1 ")) std::abort();
    auto end = output.find("\r\n\r\n");
    if (end == std::string_view::npos) std::abort();
    auto head = output.substr(0, end);
    output.remove_prefix(end + 4);
    if (output.empty() || output.starts_with("HTTP/1.1 ")) continue;
    auto at = head.find("\r\nContent-Length: ");
    if (at == std::string_view::npos) std::abort();
    std::size_t body = std::strtoul(std::string(head.substr(at + 18, 8)).c_str(), nullptr, 10);
    if (body > output.size()) std::abort();
    output.remove_prefix(body);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture fixture;
  if (size == 0) return 0;
  // The first byte picks the read size, so message boundaries fall everywhere.
  std::size_t chunk = 1 + data[0] % 64;
  std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);

  backend::ConnectionProtocol protocol(fixture.router, fixture.date, fixture.log);
  std::string pending;
  std::string output;
  for (std::size_t offset = 0; offset < bytes.size() && !protocol.closing(); offset += chunk) {
    pending.append(bytes.substr(offset, chunk));
    if (pending.size() > backend::limits::kReadBufferBytes) break;  // the session's buffer cap
    for (;;) {
      std::size_t before = pending.size();
      std::size_t used = protocol.process(pending, output, backend::limits::kMaxPendingOutputBytes, false);
      if (used > pending.size()) std::abort();
      pending.erase(0, used);
      check_output(output);
      output.clear();
      if (used == 0 || pending.empty() || protocol.closing() || pending.size() == before) break;
    }
  }
  return 0;
}
