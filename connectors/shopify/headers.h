#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace cartrelay::connectors::shopify {

// Looks up one request header by name and returns its value, or std::nullopt
// when the request has no such header. Implementations must compare names
// case-insensitively, as HTTP requires (RFC 9110 §5.1; HTTP/2 lower-cases
// them); Poco::Net::HTTPRequest::get/has already do. Called synchronously,
// never stored.
using HeaderLookup = std::function<std::optional<std::string>(std::string_view name)>;

// The HMAC header, in the un-prefixed form (findHeader adds "x-").
inline constexpr std::string_view kHmacHeader = "shopify-hmac-sha256";

// Fetches a Shopify header that may arrive as `shopify-<name>` or
// `x-shopify-<name>` (shared/reference/shopify-woocommerce.md §1; shopify-api-ruby
// accepts both since 2026-02-10). `unprefixed_name` is the form without "x-",
// e.g. kHmacHeader. When both are present the un-prefixed one wins, even if it
// is empty, so behaviour matches Shopify's own library. Thread-safe if lookup is.
std::optional<std::string> findHeader(const HeaderLookup& lookup, std::string_view unprefixed_name);

// findHeader(lookup, kHmacHeader).
std::optional<std::string> findHmacHeader(const HeaderLookup& lookup);

}  // namespace cartrelay::connectors::shopify
