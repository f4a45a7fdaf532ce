// The compiled parts of the header-only Boost libraries, built once here instead of in every file that uses
// them.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
#include <boost/json/src.hpp>
#include <boost/url/src.hpp>
