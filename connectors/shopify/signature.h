#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/util/status.h"

// Shopify webhook authentication (shared/reference/shopify-woocommerce.md §1, §5).
// Pure functions over the raw request body, before any JSON parsing: re-serialised
// JSON has different bytes and never verifies. Thread-safe.
namespace cartrelay::connectors::shopify {

// base64(HMAC-SHA256(key = secret, message = raw_body)): the value Shopify sends
// in X-Shopify-Hmac-Sha256. Used to sign replayed payloads and in tests.
std::string computeWebhookHmac(std::string_view secret, std::string_view raw_body);

// Checks the X-Shopify-Hmac-Sha256 header value against raw_body under each of
// `secrets` (the current app client secret first, then the previous one while a
// rotation is in progress), in constant time. Surrounding whitespace in the
// header value is ignored; empty secrets are skipped, never treated as a key.
//
// Returns OK if any secret matches, otherwise kUnauthenticated (HTTP 401) when
// the header is missing or empty, is not base64 of 32 bytes, matches no secret,
// or no non-empty secret is configured. Messages never contain a secret, the
// body or the header value.
core::Status verifyWebhookHmac(std::string_view header_value, std::string_view raw_body,
                               std::span<const std::string> secrets);

}  // namespace cartrelay::connectors::shopify
