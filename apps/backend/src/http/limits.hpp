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
// Deadlines are enforced by one timer, armed at the earliest deadline and only while a connection is open
// (net/deadline_timer.hpp); its expiry is rounded up to this, so deadlines close together share a wakeup and
// a deadline is enforced at most this late.
inline constexpr std::chrono::milliseconds kDeadlineResolution{250};

inline constexpr std::size_t kMaxRequestsPerConnection = 10'000;
// The connection cap (net/admission.hpp). On POSIX it is derived from RLIMIT_NOFILE, whose soft limit is
// raised to the hard one at start: the limit minus a reserve for the descriptors that are not connections
// (stdio, the listener, the event loop's, the store's files, the parent watch), at least kMinConnections and
// at most kMaxConnectionsCeiling, which bounds memory (a few KiB per idle connection). Windows, where
// descriptors do not bound sockets, has a fixed cap. BACKEND_MAX_CONNECTIONS lowers it. At the cap the least
// needed connection is closed for the new one; when every connection is busy, the new one gets a fixed 503
// and is closed at once rather than queued.
inline constexpr std::size_t kReservedDescriptors = 64;
inline constexpr std::size_t kMinConnections = 16;
inline constexpr std::size_t kMaxConnectionsCeiling = 4096;
inline constexpr std::size_t kMaxConnectionsFixed = 512;

// Server-sent event streams (events/). A stream is not subject to the request read deadline nor the idle
// timeout; only a writer stuck past kWriteTimeout, or a queue over its bound, ends it.
// Each stream queues at most this many events, or bytes, not yet written; a subscriber that falls further
// behind is disconnected (it resumes with Last-Event-ID), so a reader that stops never grows our memory.
inline constexpr std::size_t kMaxStreamQueuedEvents = 256;
inline constexpr std::size_t kMaxStreamQueuedBytes = 1024 * 1024;
// A ": ping" comment after this long without a write shows an idle stream is alive (proxies, dead peers).
inline constexpr std::chrono::seconds kStreamHeartbeatInterval{15};
// Sent once as "retry:": how long a client waits before it reconnects.
inline constexpr std::chrono::milliseconds kStreamRetryDelay{1000};
// On shutdown a stream is ended at once; its last chunk gets this long to leave before the socket closes.
inline constexpr std::chrono::milliseconds kStreamEndTimeout{500};

// A stdin control line longer than this is discarded with a warning.
inline constexpr std::size_t kMaxControlLineBytes = 256;

}  // namespace backend::limits
