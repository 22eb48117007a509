#pragma once

#include <string>
#include <string_view>

#include "core/util/result.h"

namespace cartrelay::core {

// Standard base64 (RFC 4648 §4, '+' '/', with '=' padding), as used by
// Shopify's and WooCommerce's webhook signatures and cartrelay's key files.
std::string base64Encode(std::string_view bytes);

// Strict decode: rejects characters outside the alphabet, bad padding and
// lengths that are not a multiple of 4 with kInvalidArgument. Whitespace is
// not skipped: callers trim first.
Result<std::string> base64Decode(std::string_view text);

// The URL- and filename-safe alphabet (RFC 4648 §5, '-' '_') without '='
// padding: text that can stand as a URL path segment as is (tracked-link
// tokens). 16 bytes give 22 characters.
std::string base64UrlEncode(std::string_view bytes);

}  // namespace cartrelay::core
