#include "events/store_events.hpp"

#include <charconv>

#include "api/json_write.hpp"
#include "events/routes.hpp"
#include "settings/types.hpp"

namespace backend::events {
namespace {

template <typename T>
std::string json_of(const T& value) {
  std::string out;
  api::write_json(out, value);
  return out;
}

std::optional<store::Revision> parse_revision(std::string_view text) {
  store::Revision value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

}  // namespace

ReplayedEvent event_of(const store::Change& change) {
  auto id = static_cast<std::uint64_t>(change.revision);
  switch (change.kind) {
    case store::ChangeKind::changed:
      return {id, "settings.changed",
              json_of(settings::SettingEntry{change.key, api::RawJson{change.value}, change.revision})};
    case store::ChangeKind::deleted:
      return {id, "settings.deleted", json_of(SettingDeleted{change.key, change.revision})};
    case store::ChangeKind::cleared:
      return {id, "settings.cleared", json_of(SettingsCleared{change.revision})};
  }
  return {};
}

void replay_changes(const store::SettingsStore& store, std::string_view last_event_id,
                    std::vector<ReplayedEvent>& out) {
  // A first connection replays nothing: the client reads GET /settings itself.
  if (last_event_id.empty()) return;
  std::optional<std::vector<const store::Change*>> changes;
  if (auto after = parse_revision(last_event_id)) changes = store.changes_since(*after);
  if (!changes) {
    auto revision = store.revision();
    out.push_back({static_cast<std::uint64_t>(revision), "resync", json_of(Resync{revision})});
    return;
  }
  for (const auto* change : *changes)
    out.push_back(event_of(*change));
}

void connect_store(store::SettingsStore& store, EventHub& hub) {
  store.on_change([&hub](const store::Change& change) {
    // Formatted only when someone listens.
    if (hub.size() == 0) return;
    auto event = event_of(change);
    hub.publish(event.id, event.name, event.data);
  });
  hub.set_replay_source([&store](std::string_view last_event_id, std::vector<ReplayedEvent>& out) {
    replay_changes(store, last_event_id, out);
  });
}

}  // namespace backend::events
