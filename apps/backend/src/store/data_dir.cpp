#include "store/data_dir.hpp"

#include <cstdio>
#include <system_error>

namespace backend::store {

namespace fs = std::filesystem;

std::optional<std::string> prepare_data_dir(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    if (fs::exists(dir, ec)) return "it exists and is not a folder";
    // Parents as the system makes them; the folder itself private to the user (on Windows, %APPDATA% is
    // already per user).
    if (dir.has_parent_path()) fs::create_directories(dir.parent_path(), ec);
    if (ec) return "cannot create " + dir.parent_path().string() + ": " + ec.message();
    fs::create_directory(dir, ec);
    if (ec) return "cannot create it: " + ec.message();
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    if (ec) return "cannot make it private (0700): " + ec.message();
  }
  // A real write, not a permission bit check: read-only mounts, ACLs and full disks answer here too.
  // (C stdio, not <fstream>: iostreams would pull half a megabyte of locale code into the static binary.)
  auto probe = dir / ".write-check";
#ifdef _WIN32
  std::FILE* file = ::_wfopen(probe.c_str(), L"wb");
#else
  std::FILE* file = std::fopen(probe.c_str(), "wb");
#endif
  bool written = file != nullptr && std::fputc('x', file) != EOF;
  if (file != nullptr && std::fclose(file) != 0) written = false;
  fs::remove(probe, ec);
  if (!written) return "cannot write in it";
  return std::nullopt;
}

}  // namespace backend::store
