#pragma once
// Every route of the server, grouped by path template. The dispatcher matches against it; Allow, the CORS
// preflight answers, the OpenAPI document and the contract test all read it, so none of them lists a route
// of its own.
#include <boost/beast/http/verb.hpp>
#include <boost/url/segments_encoded_view.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "api/call.hpp"
#include "api/route.hpp"

namespace backend::api {

struct PathItem {
  struct Segment {
    std::string_view text;  // the literal, or the parameter's name
    bool parameter = false;
  };
  std::string_view path;
  std::vector<Segment> segments;
  std::vector<const Endpoint*> endpoints;  // in declaration order
  std::string allow;  // the methods for Allow and Access-Control-Allow-Methods, e.g. "GET, HEAD, OPTIONS"

  // The route for a method; HEAD is served by GET.
  const Endpoint* find(boost::beast::http::verb method) const;
};

class RouteTable {
 public:
  RouteTable(std::vector<Endpoint> endpoints, std::vector<TagDoc> tags);
  RouteTable(const RouteTable&) = delete;
  RouteTable& operator=(const RouteTable&) = delete;

  // The path item whose template matches the decoded segments, with the parameters it captured.
  const PathItem* match(const boost::urls::segments_encoded_view& segments, NamedValues& params) const;

  // The path item of a fixed path ("/health") when the request target is exactly that text, else null. The
  // table only lists a path here after Boost.URL parsed it and match() found the same item, so it answers
  // what parsing the target would have, for the targets clients send most, without parsing them.
  const PathItem* match_exact(std::string_view target) const;

  const std::vector<Endpoint>& endpoints() const { return endpoints_; }
  const std::vector<PathItem>& paths() const { return paths_; }
  const std::vector<TagDoc>& tags() const { return tags_; }

 private:
  std::vector<Endpoint> endpoints_;
  std::vector<TagDoc> tags_;
  std::vector<PathItem> paths_;
  std::vector<const PathItem*> exact_paths_;
};

}  // namespace backend::api
