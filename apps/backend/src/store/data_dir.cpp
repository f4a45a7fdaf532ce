#include "store/data_dir.hpp"

#include "platform/path_text.hpp"

#include <cstdio>
#include <system_error>

namespace backend::store {

std::optional<std::string> prepare_data_dir(const platform::NativePath& dir) {
  if (!platform::is_directory(dir)) {
    if (platform::exists(dir)) return "it exists and is not a folder";
    // Parents as the system makes them; the folder itself private to the user (on Windows, %APPDATA% is
    // already per user).
    if (auto ec = platform::create_private_directory(dir)) return "cannot create it: " + ec.message();
  }
  // A real write, not a permission bit check: read-only mounts, ACLs and full disks answer here too.
  // (C stdio, not <fstream>: iostreams would pull half a megabyte of locale code into the static binary.)
  auto probe = platform::join(dir, ".write-check");
  std::FILE* file = platform::open_file(probe, "wb");
  bool written = file != nullptr && std::fputc('x', file) != EOF;
  if (file != nullptr && std::fclose(file) != 0) written = false;
  platform::remove_file(probe);
  if (!written) return "cannot write in it";
  return std::nullopt;
}

}  // namespace backend::store
