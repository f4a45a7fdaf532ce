#pragma once
// The settings API's types: the C++ side of packages/shared/openapi.json's settings schemas.
#include <boost/describe/class.hpp>
#include <cstdint>
#include <map>
#include <string>

#include "api/json_types.hpp"

namespace backend::settings {

// 1 to 256 bytes of UTF-8 once percent-decoded: `café/menu` is sent as `caf%C3%A9%2Fmenu`.
struct KeyParam {
  std::string key;
};
BOOST_DESCRIBE_STRUCT(KeyParam, (), (key))

struct SettingValue {
  api::RawJson value;
  static constexpr std::string_view kDescription =
      "The body of PUT /settings/{key}: any JSON value, at most 1 MiB.";
};
BOOST_DESCRIBE_STRUCT(SettingValue, (), (value))

struct SettingEntry {
  std::string key;
  api::RawJson value;
  std::int64_t revision;
  static constexpr std::string_view kDescription =
      "One setting: its key, its value exactly as stored, and the store revision of its last change (also "
      "its "
      "ETag).";
};
BOOST_DESCRIBE_STRUCT(SettingEntry, (), (key, value, revision))

struct SettingsSnapshot {
  std::map<std::string, api::RawJson> entries;
  std::int64_t revision;
  static constexpr std::string_view kDescription =
      "Every setting, and the store's revision: one counter for the whole store that grows with every change "
      "and never goes back, across restarts too.";
};
BOOST_DESCRIBE_STRUCT(SettingsSnapshot, (), (entries, revision))

inline constexpr std::size_t kMaxKeyBytes = 256;

}  // namespace backend::settings
