#include "connectors/shopify/signature.h"

#include "core/util/base64.h"
#include "core/util/crypto.h"
#include "core/util/text.h"

namespace cartrelay::connectors::shopify {

std::string computeWebhookHmac(std::string_view secret, std::string_view raw_body) {
  return core::base64Encode(core::crypto::hmacSha256(secret, raw_body));
}

core::Status verifyWebhookHmac(std::string_view header_value, std::string_view raw_body,
                               std::span<const std::string> secrets) {
  const std::string_view value = core::trimAsciiWhitespace(header_value);
  if (value.empty()) return core::Status::unauthenticated("missing X-Shopify-Hmac-Sha256 header");

  // Compare raw MAC bytes rather than base64 text, so the outcome cannot hinge on
  // base64 spelling; a malformed header is still a 401, never a 400 (DESIGN.md
  // "Delivery semantics": bad signature -> 401).
  auto received = core::base64Decode(value);
  if (!received.isOk() || received->size() != core::crypto::kSha256Bytes) {
    return core::Status::unauthenticated("malformed X-Shopify-Hmac-Sha256 header");
  }

  switch (core::crypto::matchHmacSha256(*received, raw_body, secrets)) {
    case core::crypto::MacMatch::kMatch:
      return core::Status::ok();
    case core::crypto::MacMatch::kNoUsableSecret:
      return core::Status::unauthenticated("no Shopify webhook secret configured");
    case core::crypto::MacMatch::kMismatch:
      break;
  }
  return core::Status::unauthenticated("X-Shopify-Hmac-Sha256 does not match");
}

}  // namespace cartrelay::connectors::shopify
