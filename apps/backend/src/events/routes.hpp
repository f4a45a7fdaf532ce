#pragma once
// GET /events: the route that turns its connection into a server-sent event stream. The handler only asks
// for the stream (Response::stream); the session registers it with the EventHub, which sends the retry delay
// and the replay first. The payload types below describe the events' data in the OpenAPI document; the store
// publishes them (EventHub::publish) serialized from the same types.
#include <boost/describe/class.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "api/json_types.hpp"
#include "api/route.hpp"

namespace backend::events {

struct SettingChanged {
  std::string key;
  api::RawJson value;
  std::uint64_t revision = 0;

  static constexpr std::string_view kDescription =
      "`settings.changed`: a setting was written; its `value` as stored, and the change's `revision` (also "
      "the "
      "event's id).";
};
BOOST_DESCRIBE_STRUCT(SettingChanged, (), (key, value, revision))

struct SettingDeleted {
  std::string key;
  std::uint64_t revision = 0;

  static constexpr std::string_view kDescription = "`settings.deleted`: a setting was deleted.";
};
BOOST_DESCRIBE_STRUCT(SettingDeleted, (), (key, revision))

struct SettingsCleared {
  std::uint64_t revision = 0;

  static constexpr std::string_view kDescription = "`settings.cleared`: every setting was deleted.";
};
BOOST_DESCRIBE_STRUCT(SettingsCleared, (), (revision))

struct Resync {
  std::uint64_t revision = 0;

  static constexpr std::string_view kDescription =
      "`resync`: the stream cannot replay from the Last-Event-ID sent; refetch GET /settings. `revision` is "
      "the "
      "store's current revision.";
};
BOOST_DESCRIBE_STRUCT(Resync, (), (revision))

inline constexpr api::TagDoc kTag{"events", "Changes pushed to every window as server-sent events."};

std::vector<api::Endpoint> endpoints();

}  // namespace backend::events
