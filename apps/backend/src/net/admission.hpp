#pragma once
// Who gets a connection when the server is full. A neighbour that holds every slot with idle or half-sent
// connections must not lock the app out: at the cap, the connection that matters least is closed to make
// room for the new one, and only when every connection is doing real work does the new one get a 503.
#include <cstddef>
#include <optional>

#include "net/connection_context.hpp"

namespace backend {

class Session;

// The connection to close for a new one: the longest-idle keep-alive connection, else the oldest one
// lingering after its last response, else the oldest one still sending its request. Never one with a
// request in flight (being answered or written) nor a live event stream. Null when there is none.
Session* pick_admission_victim(const SessionRegistry& sessions);

// The cap on open connections. `descriptor_limit`: how many descriptors the process may open (POSIX), or
// nullopt where that is not what bounds us (Windows). `configured`: BACKEND_MAX_CONNECTIONS, 0 when unset.
std::size_t connection_cap(std::optional<std::size_t> descriptor_limit, std::size_t configured);

}  // namespace backend
