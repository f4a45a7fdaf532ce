#include "http/access_policy.hpp"

#include <algorithm>

namespace backend {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto fold = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
           return fold(x) == fold(y);
         });
}

// "name:123" or "[::1]:123" has a port; "name" and "[::1]" do not.
bool has_port(std::string_view host) {
  auto colon = host.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == host.size()) return false;
  auto bracket = host.rfind(']');
  if (bracket != std::string_view::npos && bracket > colon) return false;
  if (bracket == std::string_view::npos && host.find(':') != colon) return false;  // a bare IPv6 literal
  return std::all_of(host.begin() + static_cast<std::ptrdiff_t>(colon) + 1, host.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

AccessPolicy::AccessPolicy(std::uint16_t port, const std::vector<std::string>& extra_hosts,
                           const std::vector<std::string>& extra_origins, std::string token)
    : token_(std::move(token)) {
  auto suffix = ":" + std::to_string(port);
  for (std::string_view name : {"127.0.0.1", "localhost", "[::1]"})
    hosts_.push_back(std::string(name) + suffix);
  // An extra host without a port is allowed on our port only.
  for (const auto& host : extra_hosts)
    hosts_.push_back(lower(has_port(host) ? host : host + suffix));
  for (auto origin : kTauriOrigins)
    origins_.emplace_back(origin);
  origins_.insert(origins_.end(), extra_origins.begin(), extra_origins.end());
  if (!token_.empty()) expected_authorization_ = "Bearer " + token_;
}

bool AccessPolicy::host_allowed(std::string_view host) const {
  // Clients almost always send one of our names exactly as listed: an exact match first, case folding only
  // then.
  return std::any_of(hosts_.begin(), hosts_.end(), [&](const std::string& h) { return h == host; }) ||
         std::any_of(hosts_.begin(), hosts_.end(), [&](const std::string& h) { return iequals(h, host); });
}

// RFC 6454 §6.2: origins are compared as the serialised string; scheme and host arrive in lower case from
// browsers.
bool AccessPolicy::origin_allowed(std::string_view origin) const {
  return std::any_of(origins_.begin(), origins_.end(), [&](const std::string& o) { return o == origin; });
}

bool AccessPolicy::authorization_valid(std::string_view authorization) const {
  const std::string& expected = expected_authorization_;
  // Walk the presented value whole, folding every difference in, so timing does not reveal a matching prefix.
  unsigned char difference = authorization.size() == expected.size() ? 0 : 1;
  for (std::size_t i = 0; i < authorization.size(); ++i) {
    char want = expected.empty() ? '\0' : expected[i % expected.size()];
    difference |= static_cast<unsigned char>(authorization[i] ^ want);
  }
  return difference == 0 && !expected.empty();
}

}  // namespace backend
