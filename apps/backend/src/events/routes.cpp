#include "events/routes.hpp"

#include "http/limits.hpp"

namespace backend::events {

namespace http = boost::beast::http;

std::vector<api::Endpoint> endpoints() {
  std::vector<api::Endpoint> routes;
  routes.push_back(api::endpoint(
      {.method = http::verb::get,
       .path = "/events",
       .operation_id = "getEvents",
       .summary = "Subscribe to changes",
       .description =
           "A server-sent event stream (chunked on HTTP/1.1, close-delimited on HTTP/1.0). It starts with "
           "`retry: 1000`, replays the changes after `Last-Event-ID` (or sends `resync` first when it "
           "cannot), then writes each change the moment it is made. A `: ping` comment follows 15 s without "
           "a write. A reader more than 256 events or 1 MiB behind is disconnected and resumes with "
           "`Last-Event-ID`. On shutdown the stream ends with the last chunk.",
       .tag = kTag.name,
       .responses = {api::event_stream(
           200, "The stream.",
           {api::event<settings::SettingEntry>("settings.changed",
                                               "A setting was written: its key, its value as stored, and the "
                                               "change's revision (also the event's id)."),
            api::event<SettingDeleted>("settings.deleted", SettingDeleted::kDescription),
            api::event<SettingsCleared>("settings.cleared", SettingsCleared::kDescription),
            api::event<Resync>("resync", Resync::kDescription)})},
       .request_headers = {"Last-Event-ID"}},
      // The session does the rest: it registers the stream with the EventHub (net/session.cpp).
      [](api::Call& call) { call.response().stream = true; }));
  return routes;
}

}  // namespace backend::events
