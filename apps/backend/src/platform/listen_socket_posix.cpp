#include "platform/listen_socket.hpp"

namespace backend::platform {

void configure_listen_socket(boost::asio::ip::tcp::acceptor& acceptor, boost::system::error_code& ec) {
  acceptor.set_option(boost::asio::socket_base::reuse_address(true), ec);
}

}  // namespace backend::platform
