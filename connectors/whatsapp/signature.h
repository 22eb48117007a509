#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/util/status.h"

// WhatsApp Cloud API webhook authentication (shared/reference/whatsapp-cloud-api.md §5).
// Pure functions over the raw request body: Meta signs the exact bytes it
// sends, so re-serialised JSON never verifies. Thread-safe.
namespace cartrelay::whatsapp {

inline constexpr std::string_view kSignatureHeader = "X-Hub-Signature-256";

// "sha256=" + lower-case hex(HMAC-SHA256(key = app_secret, message = raw_body)):
// the full X-Hub-Signature-256 value Meta sends. Used by fakes and tests.
std::string computeSignatureHeader(std::string_view app_secret, std::string_view raw_body);

// Checks an X-Hub-Signature-256 header value against raw_body under each of
// `app_secrets` (the current app secret first, then the previous one while it is
// being reset), in constant time. Surrounding whitespace is ignored; the value
// must then be exactly "sha256=" (lower case, as Meta sends it) followed by 64
// hex digits of either case. Empty secrets are skipped, never treated as a key.
//
// Returns OK if any secret matches, otherwise kUnauthenticated (HTTP 401) when
// the header is missing or empty, has another prefix, is not hex, is not 32
// bytes, matches no secret, or no non-empty secret is configured. Messages
// never contain a secret, the body or the header value.
core::Status verifySignature(std::string_view header_value, std::string_view raw_body,
                             std::span<const std::string> app_secrets);

}  // namespace cartrelay::whatsapp
