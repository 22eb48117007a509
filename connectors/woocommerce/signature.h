#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/util/status.h"

// WooCommerce webhook authentication (shared/reference/shopify-woocommerce.md §6, §9).
// Pure functions over the raw request body: WooCommerce signs the compact
// `trim(wp_json_encode(payload))` bytes, so re-serialised JSON never verifies.
// Thread-safe.
namespace cartrelay::connectors::woocommerce {

inline constexpr std::string_view kSignatureHeader = "X-WC-Webhook-Signature";

// base64(HMAC-SHA256(key = secret, message = raw_body)): the value WooCommerce
// sends in X-WC-Webhook-Signature. `secret` is the webhook secret as WooCommerce
// uses it, i.e. after its wp_specialchars_decode(). Used to sign replayed
// payloads and in tests.
std::string computeWebhookSignature(std::string_view secret, std::string_view raw_body);

// Checks the X-WC-Webhook-Signature header value against raw_body under each of
// `secrets` (the current webhook secret first, then the previous one while it is
// being changed), in constant time. Surrounding whitespace in the header value
// is ignored; empty secrets are skipped, never treated as a key.
//
// Returns OK if any secret matches, otherwise kUnauthenticated (HTTP 401) when
// the header is missing or empty, is not base64 of 32 bytes, matches no secret,
// or no non-empty secret is configured. Messages never contain a secret, the
// body or the header value.
core::Status verifyWebhookSignature(std::string_view header_value, std::string_view raw_body,
                                    std::span<const std::string> secrets);

// True if raw_body is exactly the ping WooCommerce POSTs when a webhook is
// created or activated: the form body `webhook_id=<decimal id>`, sent with no
// X-WC-Webhook-* headers and no signature (WC_Webhook::deliver_ping()). The
// ping carries no data, so the handler may answer it with 200 unsigned; it
// should only do so when the request has no signature header, and must not
// process it further. Ids longer than 20 digits are rejected.
bool isCreationPing(std::string_view raw_body);

}  // namespace cartrelay::connectors::woocommerce
