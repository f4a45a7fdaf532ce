#include <winsock2.h>

#include <boost/asio/detail/socket_option.hpp>

#include "platform/listen_socket.hpp"

namespace backend::platform {

// SO_EXCLUSIVEADDRUSE: no other socket may bind this address and port while we hold it, whatever options it
// sets. Windows' SO_REUSEADDR would do the opposite (let another process take over a port in use).
void configure_listen_socket(boost::asio::ip::tcp::acceptor& acceptor, boost::system::error_code& ec) {
  acceptor.set_option(boost::asio::detail::socket_option::boolean<SOL_SOCKET, SO_EXCLUSIVEADDRUSE>(true), ec);
}

}  // namespace backend::platform
