#pragma once
// Paths of the data folder, and the few file operations the store needs on them. POSIX: std::filesystem.
// Windows: the path is the OS's own UTF-16 string and the operations are Win32 calls, because any
// std::filesystem::path in a static MinGW binary links libstdc++'s narrow-string conversions and with them
// its whole locale library (about 0.45 MB: more than the size budget leaves).
#include <cstdio>
#include <string>
#include <string_view>
#include <system_error>

#ifndef _WIN32
#include <filesystem>
#endif

namespace backend::platform {

#ifdef _WIN32
using NativePath = std::wstring;
#else
using NativePath = std::filesystem::path;
#endif

NativePath path_from_utf8(std::string_view text);
std::string path_to_utf8(const NativePath& path);
// `dir` and one more name (UTF-8), with the platform's separator.
NativePath join(const NativePath& dir, std::string_view name);
NativePath parent_of(const NativePath& path);
std::string filename_of(const NativePath& path);  // UTF-8
bool is_absolute(const NativePath& path);
// Absolute and normalized (no "." or ".." left).
NativePath absolute_of(const NativePath& path, std::error_code& ec);
bool is_directory(const NativePath& path);
bool exists(const NativePath& path);
// The folder and its missing parents; the folder itself private to the user where the OS has modes (0700).
std::error_code create_private_directory(const NativePath& path);
std::error_code rename_path(const NativePath& from, const NativePath& to);
std::error_code remove_file(const NativePath& path);
// fopen, with a mode such as "rb".
std::FILE* open_file(const NativePath& path, const char* mode);

#ifndef _WIN32
inline NativePath path_from_utf8(std::string_view text) {
  return std::filesystem::path(std::string(text));
}
inline std::string path_to_utf8(const NativePath& path) {
  return path.native();
}
inline NativePath join(const NativePath& dir, std::string_view name) {
  return dir / std::string(name);
}
inline NativePath parent_of(const NativePath& path) {
  return path.parent_path();
}
inline std::string filename_of(const NativePath& path) {
  return path.filename().native();
}
inline bool is_absolute(const NativePath& path) {
  return path.is_absolute();
}
inline NativePath absolute_of(const NativePath& path, std::error_code& ec) {
  return std::filesystem::absolute(path, ec).lexically_normal();
}
inline bool is_directory(const NativePath& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec);
}
inline bool exists(const NativePath& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}
inline std::error_code create_private_directory(const NativePath& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  if (!ec) fs::create_directory(path, ec);
  if (!ec) fs::permissions(path, fs::perms::owner_all, fs::perm_options::replace, ec);
  return ec;
}
inline std::error_code rename_path(const NativePath& from, const NativePath& to) {
  std::error_code ec;
  std::filesystem::rename(from, to, ec);
  return ec;
}
inline std::error_code remove_file(const NativePath& path) {
  std::error_code ec;
  std::filesystem::remove(path, ec);
  return ec;
}
inline std::FILE* open_file(const NativePath& path, const char* mode) {
  return std::fopen(path.c_str(), mode);
}
#endif

}  // namespace backend::platform
