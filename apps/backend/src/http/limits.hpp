#pragma once
// The server's whole envelope on one screen. Every limit names its unit; each exists for a reason given
// beside it.
#include <chrono>
#include <cstddef>

namespace backend::limits {

// RFC 9112 §2.3 leaves header size to the server; 8 KiB fits every real client and bounds memory per
// connection.
inline constexpr std::size_t kMaxHeaderBytes = 8 * 1024;
// RFC 9112 §3: a target longer than this gets 414. Our routes are short.
inline constexpr std::size_t kMaxTargetBytes = 2 * 1024;
// Request bodies: each route sets its own limit (api::kDefaultBodyLimitBytes, 1 MiB, unless it says
// otherwise); a body over it is refused with 413 before a byte of it is read.
inline constexpr std::size_t kMaxHeaderCount = 64;

// The read buffer never grows past this: it caps memory per connection whatever the client sends.
inline constexpr std::size_t kReadBufferBytes = 32 * 1024;
inline constexpr std::size_t kReadChunkBytes = 4 * 1024;
// Pipelined responses are batched into one write until this much is pending.
inline constexpr std::size_t kMaxPendingOutputBytes = 64 * 1024;

// Slowloris protection: a whole request must arrive within this, re-armed for every message.
inline constexpr std::chrono::seconds kRequestReadTimeout{10};
inline constexpr std::chrono::seconds kKeepAliveIdleTimeout{5};
// A client that stops reading its responses is cut off after this.
inline constexpr std::chrono::seconds kWriteTimeout{10};
// A handler that answers later (a store write waiting for its fsync) gets this long before the connection is
// closed.
inline constexpr std::chrono::seconds kHandlerTimeout{30};
// After the last response of a closing connection, unread input is drained this long so the kernel sends no
// RST that would destroy the response before the client reads it (RFC 9112 §9.6).
inline constexpr std::chrono::seconds kLingerTimeout{2};
// Deadlines are checked by one sweep over all connections at this period, not by a timer per connection.
inline constexpr std::chrono::milliseconds kDeadlineSweepPeriod{250};

inline constexpr std::size_t kMaxRequestsPerConnection = 10'000;
// Beyond this, a new connection gets a fixed 503 and is closed at once rather than queued.
inline constexpr std::size_t kMaxConnections = 512;

// A stdin control line longer than this is discarded with a warning.
inline constexpr std::size_t kMaxControlLineBytes = 256;

}  // namespace backend::limits
