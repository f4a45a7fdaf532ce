#include <windows.h>

#include "platform/path_text.hpp"

namespace backend::platform {
namespace {

bool is_separator(wchar_t c) {
  return c == L'\\' || c == L'/';
}

std::error_code last_error() {
  return {static_cast<int>(::GetLastError()), std::system_category()};
}

}  // namespace

NativePath path_from_utf8(std::string_view text) {
  if (text.empty()) return {};
  int length = ::MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), nullptr, 0);
  std::wstring wide(static_cast<std::size_t>(length), L'\0');
  ::MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), wide.data(), length);
  return wide;
}

std::string path_to_utf8(const NativePath& path) {
  if (path.empty()) return {};
  int length = ::WideCharToMultiByte(CP_UTF8, 0, path.data(), static_cast<int>(path.size()), nullptr, 0,
                                     nullptr, nullptr);
  std::string text(static_cast<std::size_t>(length), '\0');
  ::WideCharToMultiByte(CP_UTF8, 0, path.data(), static_cast<int>(path.size()), text.data(), length, nullptr,
                        nullptr);
  return text;
}

NativePath join(const NativePath& dir, std::string_view name) {
  NativePath joined = dir;
  if (!joined.empty() && !is_separator(joined.back())) joined += L'\\';
  return joined + path_from_utf8(name);
}

NativePath parent_of(const NativePath& path) {
  auto at = path.find_last_of(L"\\/");
  return at == NativePath::npos ? NativePath{} : path.substr(0, at);
}

std::string filename_of(const NativePath& path) {
  auto at = path.find_last_of(L"\\/");
  return path_to_utf8(at == NativePath::npos ? path : path.substr(at + 1));
}

bool is_absolute(const NativePath& path) {
  bool drive = path.size() >= 3 && path[1] == L':' && is_separator(path[2]);
  bool unc = path.size() >= 2 && is_separator(path[0]) && is_separator(path[1]);
  return drive || unc;
}

NativePath absolute_of(const NativePath& path, std::error_code& ec) {
  DWORD length = ::GetFullPathNameW(path.c_str(), 0, nullptr, nullptr);
  if (length == 0) return ec = last_error(), NativePath{};
  std::wstring full(length, L'\0');
  length = ::GetFullPathNameW(path.c_str(), length, full.data(), nullptr);
  if (length == 0) return ec = last_error(), NativePath{};
  full.resize(length);
  ec.clear();
  return full;
}

bool is_directory(const NativePath& path) {
  DWORD attributes = ::GetFileAttributesW(path.c_str());
  return attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY) != 0;
}

bool exists(const NativePath& path) {
  return ::GetFileAttributesW(path.c_str()) != INVALID_FILE_ATTRIBUTES;
}

// %APPDATA% is already private to the user; the folder inherits its ACL.
std::error_code create_private_directory(const NativePath& path) {
  if (is_directory(path)) return {};
  auto parent = parent_of(path);
  if (!parent.empty() && parent != path && !(parent.size() == 2 && parent[1] == L':')) {
    if (auto ec = create_private_directory(parent)) return ec;
  }
  if (!::CreateDirectoryW(path.c_str(), nullptr) && ::GetLastError() != ERROR_ALREADY_EXISTS)
    return last_error();
  return {};
}

std::error_code rename_path(const NativePath& from, const NativePath& to) {
  if (!::MoveFileExW(from.c_str(), to.c_str(), MOVEFILE_REPLACE_EXISTING)) return last_error();
  return {};
}

std::error_code remove_file(const NativePath& path) {
  if (!::DeleteFileW(path.c_str()) && ::GetLastError() != ERROR_FILE_NOT_FOUND) return last_error();
  return {};
}

std::FILE* open_file(const NativePath& path, const char* mode) {
  std::wstring wide_mode;
  for (const char* c = mode; *c != '\0'; ++c)
    wide_mode += static_cast<wchar_t>(*c);
  return ::_wfopen(path.c_str(), wide_mode.c_str());
}

}  // namespace backend::platform
