#pragma once
// GET /events: the route that turns its connection into a server-sent event stream. The handler only asks
// for the stream (Response::stream); the session registers it with the EventHub, which sends the retry delay
// and the replay first. The events' data types (settings::SettingEntry for settings.changed, and those below)
// describe them in the OpenAPI document, and store_events.cpp serializes the events from the same types.
#include <boost/describe/class.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "api/json_types.hpp"
#include "api/route.hpp"
#include "settings/types.hpp"

namespace backend::events {

struct SettingDeleted {
  std::string key;
  std::int64_t revision = 0;

  static constexpr std::string_view kDescription = "`settings.deleted`: a setting was deleted.";
};
BOOST_DESCRIBE_STRUCT(SettingDeleted, (), (key, revision))

struct SettingsCleared {
  std::int64_t revision = 0;

  static constexpr std::string_view kDescription = "`settings.cleared`: every setting was deleted.";
};
BOOST_DESCRIBE_STRUCT(SettingsCleared, (), (revision))

struct Resync {
  std::int64_t revision = 0;

  static constexpr std::string_view kDescription =
      "`resync`: the stream cannot replay from the Last-Event-ID sent; refetch GET /settings. `revision` is "
      "the "
      "store's current revision.";
};
BOOST_DESCRIBE_STRUCT(Resync, (), (revision))

inline constexpr api::TagDoc kTag{"events", "Changes pushed to every window as server-sent events."};

std::vector<api::Endpoint> endpoints();

}  // namespace backend::events
