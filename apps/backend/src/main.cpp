#include <exception>
#include <string_view>
#include <vector>

#include "app/exit_codes.hpp"
#include "app/run.hpp"
#include "platform/process_io.hpp"

int main(int argc, char** argv) {
  try {
    std::vector<std::string_view> args(argv + 1, argv + argc);
    return backend::run(args);
  } catch (const std::exception& e) {
    backend::platform::write_stderr(std::string("backend: unexpected error: ") + e.what() + "\n");
  } catch (...) {
    backend::platform::write_stderr("backend: unexpected error\n");
  }
  return backend::exit_code::kRuntimeError;
}
