#pragma once
// The bridge from the settings store to the event streams: every committed change is published to the hub
// (settings.changed / settings.deleted / settings.cleared, with the change's revision as the event's id), and
// a stream that resumes with Last-Event-ID is first sent the changes after it from the store's change log, or
// `resync` when the log cannot reach back that far (or the id is not one of ours).
#include <string_view>
#include <vector>

#include "events/event_hub.hpp"
#include "store/settings_store.hpp"

namespace backend::events {

// Both live on the I/O thread; the hub and the store must outlive each other's use (the server owns both).
void connect_store(store::SettingsStore& store, EventHub& hub);

// Exposed for tests: the events a stream resuming after `last_event_id` is sent first.
void replay_changes(const store::SettingsStore& store, std::string_view last_event_id,
                    std::vector<ReplayedEvent>& out);
ReplayedEvent event_of(const store::Change& change);

}  // namespace backend::events
