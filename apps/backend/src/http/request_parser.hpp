#pragma once
// Beast's HTTP/1 parser, fed by the session, filling a reused Request instead of a general message container,
// and enforcing our framing rules as the fields arrive.
#include <boost/beast/http/basic_parser.hpp>
#include <optional>

#include "http/http_error.hpp"
#include "http/request.hpp"

namespace backend {

class RequestParser : public boost::beast::http::basic_parser<true> {
 public:
  explicit RequestParser(Request& request);

  // Why the parser stopped with an error of ours, when it did; a plain parse error maps to 400, 413 or 431.
  std::optional<HttpError> rejection() const { return rejection_; }
  // `received` is the unparsed input, from the start of the message.
  HttpError error_for(const boost::system::error_code& ec, std::string_view received) const;

 private:
  using error_code = boost::system::error_code;
  using string_view = boost::beast::string_view;

  void reject(HttpError error, error_code& ec);

  void on_request_impl(boost::beast::http::verb method, string_view method_str, string_view target,
                       int version, error_code& ec) override;
  void on_response_impl(int, string_view, int, error_code& ec) override;
  void on_field_impl(boost::beast::http::field name, string_view name_string, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code& ec) override;
  void on_body_init_impl(boost::optional<std::uint64_t> const& content_length, error_code& ec) override;
  std::size_t on_body_impl(string_view body, error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t size, string_view extensions, error_code& ec) override;
  std::size_t on_chunk_body_impl(std::uint64_t remain, string_view body, error_code& ec) override;
  void on_finish_impl(error_code& ec) override;

  Request& request_;
  std::optional<HttpError> rejection_;
  std::size_t field_count_ = 0;
  unsigned content_length_count_ = 0;
};

}  // namespace backend
