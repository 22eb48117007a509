#include "connectors/shopify/signature.h"

#include "core/util/base64.h"
#include "core/util/crypto.h"

namespace cartrelay::connectors::shopify {

namespace {

std::string_view trimWhitespace(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

}  // namespace

std::string computeWebhookHmac(std::string_view secret, std::string_view raw_body) {
  return core::base64Encode(core::crypto::hmacSha256(secret, raw_body));
}

core::Status verifyWebhookHmac(std::string_view header_value, std::string_view raw_body,
                               std::span<const std::string> secrets) {
  const std::string_view value = trimWhitespace(header_value);
  if (value.empty()) return core::Status::unauthenticated("missing X-Shopify-Hmac-Sha256 header");

  // Compare raw MAC bytes rather than base64 text, so the outcome cannot hinge on
  // base64 spelling; a malformed header is still a 401, never a 400 (DESIGN.md
  // "Delivery semantics": bad signature -> 401).
  auto received = core::base64Decode(value);
  if (!received.isOk() || received->size() != core::crypto::kSha256Bytes) {
    return core::Status::unauthenticated("malformed X-Shopify-Hmac-Sha256 header");
  }

  bool any_secret = false;
  bool matched = false;
  // No early exit: every configured secret costs the same, so timing does not
  // reveal which one matched.
  for (const std::string& secret : secrets) {
    // An empty key is a valid HMAC key that anyone can use; never accept it.
    if (secret.empty()) continue;
    any_secret = true;
    const std::string expected = core::crypto::hmacSha256(secret, raw_body);
    matched = core::crypto::constantTimeEquals(expected, *received) || matched;
  }
  if (!any_secret) return core::Status::unauthenticated("no Shopify webhook secret configured");
  if (!matched) return core::Status::unauthenticated("X-Shopify-Hmac-Sha256 does not match");
  return core::Status::ok();
}

}  // namespace cartrelay::connectors::shopify
