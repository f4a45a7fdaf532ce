#pragma once
// A byte-level check of a complete request header block, run before the request is acted on. Beast 1.81's
// parser tolerates some framings (obs-fold, stray control bytes) that let two parsers disagree about a
// message; we refuse them all.
#include <optional>
#include <string_view>

#include "http/http_error.hpp"

namespace backend {

// `block` is the request line and fields up to and including the empty line that ends them.
std::optional<HttpError> check_header_block(std::string_view block);

}  // namespace backend
