#include "api/route_table.hpp"

#include <boost/url/decode_view.hpp>
#include <boost/url/parse.hpp>

#include <cstdlib>

namespace backend::api {

namespace http = boost::beast::http;

namespace {

std::vector<PathItem::Segment> split_template(std::string_view path) {
  std::vector<PathItem::Segment> segments;
  for (std::size_t at = 1; at <= path.size();) {
    auto end = path.find('/', at);
    if (end == std::string_view::npos) end = path.size();
    auto text = path.substr(at, end - at);
    bool parameter = text.size() > 2 && text.front() == '{' && text.back() == '}';
    segments.push_back({parameter ? text.substr(1, text.size() - 2) : text, parameter});
    at = end + 1;
  }
  return segments;
}

}  // namespace

const Endpoint* PathItem::find(http::verb method) const {
  if (method == http::verb::head) method = http::verb::get;
  for (const auto* e : endpoints) {
    if (e->spec.method == method) return e;
  }
  return nullptr;
}

RouteTable::RouteTable(std::vector<Endpoint> endpoints, std::vector<TagDoc> tags)
    : endpoints_(std::move(endpoints)), tags_(std::move(tags)) {
  for (const auto& e : endpoints_) {
    // A declaration mistake is a programming error, found by the first test that builds the table.
    if (!e.spec.path.starts_with('/') || e.spec.operation_id.empty()) std::abort();
    PathItem* item = nullptr;
    for (auto& candidate : paths_) {
      if (candidate.path == e.spec.path) item = &candidate;
    }
    if (item == nullptr) {
      item = &paths_.emplace_back();
      item->path = e.spec.path;
      item->segments = split_template(e.spec.path);
    }
    if (item->find(e.spec.method) != nullptr) std::abort();  // one route per method and path
    item->endpoints.push_back(&e);
  }
  for (auto& item : paths_) {
    for (const auto* e : item.endpoints) {
      item.allow += http::to_string(e->spec.method);
      item.allow += ", ";
      if (e->spec.method == http::verb::get) item.allow += "HEAD, ";
    }
    item.allow += "OPTIONS";
  }
  for (const auto& item : paths_) {
    auto parsed = boost::urls::parse_origin_form(item.path);
    NamedValues params;
    if (parsed && !parsed->has_query() && match(parsed->encoded_segments(), params) == &item &&
        params.empty())
      exact_paths_.push_back(&item);
  }
}

const PathItem* RouteTable::match_exact(std::string_view target) const {
  for (const auto* item : exact_paths_) {
    if (item->path == target) return item;
  }
  return nullptr;
}

// Segments are compared percent-decoded, without decoding them into strings (a segment without escapes is
// compared as it is): only a parameter's value is decoded, so a request to a fixed path allocates nothing.
const PathItem* RouteTable::match(const boost::urls::segments_encoded_view& segments,
                                  NamedValues& params) const {
  for (const auto& item : paths_) {
    if (item.segments.size() != segments.size()) continue;
    params.clear();
    bool matched = true;
    auto segment = segments.begin();
    for (const auto& expected : item.segments) {
      boost::urls::pct_string_view encoded = *segment++;
      if (expected.parameter) {
        params.emplace_back(expected.text, encoded.decode());
      } else if (encoded.decoded_size() == encoded.size()
                     ? std::string_view(encoded.data(), encoded.size()) != expected.text
                     : *encoded != expected.text) {
        matched = false;
        break;
      }
    }
    if (matched) return &item;
  }
  return nullptr;
}

}  // namespace backend::api
