#pragma once
#include <boost/asio/ip/tcp.hpp>

namespace backend::platform {

// Socket options set between open and bind. POSIX: SO_REUSEADDR, so a restart can bind a port still in
// TIME_WAIT. Windows: SO_EXCLUSIVEADDRUSE, because there SO_REUSEADDR would let another process steal the
// port.
void configure_listen_socket(boost::asio::ip::tcp::acceptor& acceptor, boost::system::error_code& ec);

}  // namespace backend::platform
