#include "store/data_dir.hpp"

#include <fstream>
#include <random>
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
  std::random_device random;
  auto probe = dir / (".write-check-" + std::to_string(random()));
  {
    std::ofstream out(probe, std::ios::binary | std::ios::trunc);
    out << "x";
    out.flush();
    if (!out) {
      fs::remove(probe, ec);
      return "cannot write in it";
    }
  }
  fs::remove(probe, ec);
  return std::nullopt;
}

}  // namespace backend::store
