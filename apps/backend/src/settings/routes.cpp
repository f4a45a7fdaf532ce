#include "settings/routes.hpp"

#include <charconv>

#include "settings/key.hpp"
#include "settings/types.hpp"
#include "store/settings_store.hpp"

namespace backend::settings {
namespace {

namespace http = boost::beast::http;
using store::Revision;
using store::WriteStatus;

constexpr std::string_view kBadKey = "The key must be 1 to 256 bytes of UTF-8 (percent-encoded in the path).";

std::string etag(Revision revision) {
  return "\"" + std::to_string(revision) + "\"";
}

// `"<revision>"`, the only entity tags we give out (RFC 9110 §8.8.3). Anything else matches nothing.
std::optional<Revision> parse_etag(std::string_view tag) {
  while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t'))
    tag.remove_prefix(1);
  while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t'))
    tag.remove_suffix(1);
  if (tag.size() < 3 || tag.front() != '"' || tag.back() != '"') return std::nullopt;
  Revision revision = 0;
  auto digits = tag.substr(1, tag.size() - 2);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), revision);
  if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
  return revision;
}

// The store, or a 503 when this server runs without one.
store::SettingsStore* store_of(api::Call& call) {
  auto* s = call.services().store;
  if (s == nullptr) call.error(HttpError::storage_unavailable, "This backend runs without a settings store.");
  return s;
}

template <typename Answer>
void answer_failed_write(Answer& answer, WriteStatus status) {
  answer.error(HttpError::storage_unavailable,
               status == WriteStatus::full ? "The settings store is full; nothing was stored."
                                           : "The settings store could not save the change; nothing was "
                                             "stored.");
}

void get_all(api::Call& call) {
  auto* s = store_of(call);
  if (s == nullptr) return;
  SettingsSnapshot snapshot{{}, s->revision()};
  for (const auto& [key, entry] : s->entries())
    snapshot.entries.emplace_hint(snapshot.entries.end(), key, api::RawJson{entry.value});
  call.json(200, snapshot);
}

void get_one(api::Call& call, const api::Path<KeyParam>& path) {
  if (!valid_key(path->key)) return call.error(HttpError::bad_request, kBadKey);
  auto* s = store_of(call);
  if (s == nullptr) return;
  const auto* entry = s->find(path->key);
  if (entry == nullptr) return call.error(HttpError::not_found, "No setting has this key.");
  call.header("ETag", etag(entry->revision));
  call.json(200, SettingEntry{path->key, api::RawJson{entry->value}, entry->revision});
}

void put_one(api::Call& call, const api::Path<KeyParam>& path, api::Body<SettingValue> body) {
  if (!valid_key(path->key)) return call.error(HttpError::bad_request, kBadKey);
  auto& value = body->value.text;
  if (value.size() > store::kMaxValueBytes)
    return call.error(HttpError::payload_too_large, "The value is larger than 1 MiB (as JSON text).");
  auto* s = store_of(call);
  if (s == nullptr) return;

  store::Write write{store::Write::Op::put, path->key, value, std::nullopt, false};
  const auto& request = call.request();
  if (!request.if_match.empty()) {
    if (request.if_match == "*") {
      // "*": the entry must exist (RFC 9110 §13.1.1); checked against the committed state.
      if (s->find(path->key) == nullptr) return call.error(HttpError::precondition_failed);
    } else {
      // A tag we never gave out matches no revision: the store refuses it as any stale one.
      write.if_match = parse_etag(request.if_match).value_or(-1);
    }
  }
  if (!request.if_none_match.empty()) write.if_none_match_any = request.if_none_match == "*";

  s->submit(std::move(write), [later = call.defer(), key = path->key,
                               value = std::move(value)](const store::WriteResult& result) mutable {
    switch (result.status) {
      case WriteStatus::ok:
        later.header("ETag", etag(result.revision));
        return later.json(200, SettingEntry{key, api::RawJson{std::move(value)}, result.revision});
      case WriteStatus::precondition_failed:
        return later.error(HttpError::precondition_failed,
                           "The setting's revision is not the one named by "
                           "If-Match, or it exists and If-None-Match is *.");
      case WriteStatus::not_found:
        return later.error(HttpError::not_found, "No setting has this key.");
      case WriteStatus::full:
      case WriteStatus::failed:
        return answer_failed_write(later, result.status);
    }
  });
}

void delete_one(api::Call& call, const api::Path<KeyParam>& path) {
  if (!valid_key(path->key)) return call.error(HttpError::bad_request, kBadKey);
  auto* s = store_of(call);
  if (s == nullptr) return;
  s->submit({store::Write::Op::erase, path->key, {}, std::nullopt, false},
            [later = call.defer()](const store::WriteResult& result) mutable {
              if (result.status == WriteStatus::ok) return later.empty(204);
              if (result.status == WriteStatus::not_found)
                return later.error(HttpError::not_found, "No setting has this key.");
              answer_failed_write(later, result.status);
            });
}

void delete_all(api::Call& call) {
  auto* s = store_of(call);
  if (s == nullptr) return;
  s->submit({store::Write::Op::clear, {}, {}, std::nullopt, false},
            [later = call.defer()](const store::WriteResult& result) mutable {
              if (result.status == WriteStatus::ok) return later.empty(204);
              answer_failed_write(later, result.status);
            });
}

}  // namespace

std::vector<api::Endpoint> endpoints() {
  std::vector<api::Endpoint> routes;
  routes.push_back(api::endpoint({.method = http::verb::get,
                                  .path = "/settings",
                                  .operation_id = "listSettings",
                                  .summary = "Every setting, with the store's revision",
                                  .tag = kTag.name,
                                  .responses = {api::json<SettingsSnapshot>(200, "Every setting.")},
                                  .errors = {HttpError::storage_unavailable}},
                                 get_all));
  routes.push_back(api::endpoint({.method = http::verb::delete_,
                                  .path = "/settings",
                                  .operation_id = "clearSettings",
                                  .summary = "Delete every setting",
                                  .description = "Answered once the change is on disk.",
                                  .tag = kTag.name,
                                  .responses = {api::empty(204, "Every setting is deleted.")},
                                  .errors = {HttpError::storage_unavailable}},
                                 delete_all));
  routes.push_back(api::endpoint(
      {.method = http::verb::get,
       .path = "/settings/{key}",
       .operation_id = "getSetting",
       .summary = "One setting",
       .tag = kTag.name,
       .responses = {api::json_with_etag<SettingEntry>(200, "The setting; its ETag is its revision.")},
       .errors = {HttpError::storage_unavailable}},
      get_one));
  routes.push_back(api::endpoint(
      {.method = http::verb::put,
       .path = "/settings/{key}",
       .operation_id = "putSetting",
       .summary = "Store a setting",
       .description = "Creates or replaces the setting and answers once the change is on disk (WAL, "
                      "synchronous=FULL). `If-Match: \"<revision>\"` stores only over that revision, "
                      "`If-None-Match: *` only if the key is new; otherwise 412 and nothing is stored.",
       .tag = kTag.name,
       .responses = {api::json_with_etag<SettingEntry>(200, "The stored setting, with its new revision.")},
       .errors = {HttpError::precondition_failed, HttpError::storage_unavailable},
       .request_headers = {"If-Match", "If-None-Match"},
       .body_limit = store::kMaxValueBytes + 4096},
      put_one));
  routes.push_back(api::endpoint({.method = http::verb::delete_,
                                  .path = "/settings/{key}",
                                  .operation_id = "deleteSetting",
                                  .summary = "Delete a setting",
                                  .description = "Answered once the change is on disk.",
                                  .tag = kTag.name,
                                  .responses = {api::empty(204, "The setting is deleted.")},
                                  .errors = {HttpError::storage_unavailable}},
                                 delete_one));
  return routes;
}

}  // namespace backend::settings
