#pragma once
#include <boost/asio/io_context.hpp>

namespace backend::platform {

// POSIX: one thread does all the I/O, so Asio may drop the locks of its scheduler and reactor (measured: 3.7%
// of the user-space instructions per request). Windows: the console handler and the stdin reader run on
// threads of their own and post to the loop, so the locks stay.
#ifdef _WIN32
inline constexpr int kIoConcurrencyHint = 1;
#else
inline constexpr int kIoConcurrencyHint = BOOST_ASIO_CONCURRENCY_HINT_UNSAFE;
#endif

}  // namespace backend::platform
