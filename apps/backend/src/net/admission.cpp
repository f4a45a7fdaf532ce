#include "net/admission.hpp"

#include <algorithm>

#include "http/limits.hpp"
#include "net/session.hpp"

namespace backend {

Session* pick_admission_victim(const SessionRegistry& sessions) {
  Session* victim = nullptr;
  auto victim_class = Session::Expendability::never;
  sessions.for_each([&](Session& candidate) {
    auto candidate_class = candidate.expendability();
    if (candidate_class == Session::Expendability::never) return;
    if (victim == nullptr || candidate_class < victim_class ||
        (candidate_class == victim_class && candidate.deadline() < victim->deadline())) {
      victim = &candidate;
      victim_class = candidate_class;
    }
  });
  return victim;
}

std::size_t connection_cap(std::optional<std::size_t> descriptor_limit, std::size_t configured) {
  std::size_t cap = limits::kMaxConnectionsFixed;
  if (descriptor_limit) {
    // Each connection holds one descriptor; the rest of the process (stdio, the listener, the event loop's
    // own descriptors, the store's files, the parent watch) keeps a reserve.
    cap = *descriptor_limit > limits::kReservedDescriptors + limits::kMinConnections
              ? *descriptor_limit - limits::kReservedDescriptors
              : limits::kMinConnections;
    cap = std::min(cap, limits::kMaxConnectionsCeiling);
  }
  if (configured > 0) cap = std::min(cap, configured);
  return cap;
}

}  // namespace backend
