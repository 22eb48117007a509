#include "connectors/woocommerce/signature.h"

#include "core/util/base64.h"
#include "core/util/crypto.h"

namespace cartrelay::connectors::woocommerce {

namespace {

std::string_view trimWhitespace(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

}  // namespace

std::string computeWebhookSignature(std::string_view secret, std::string_view raw_body) {
  // WC_Webhook::generate_signature(): base64_encode(hash_hmac('sha256', $body, $secret, true)).
  return core::base64Encode(core::crypto::hmacSha256(secret, raw_body));
}

core::Status verifyWebhookSignature(std::string_view header_value, std::string_view raw_body,
                                    std::span<const std::string> secrets) {
  const std::string_view value = trimWhitespace(header_value);
  if (value.empty()) return core::Status::unauthenticated("missing X-WC-Webhook-Signature header");

  // Bad signature -> 401, never 400 (DESIGN.md "Delivery semantics").
  auto received = core::base64Decode(value);
  if (!received.isOk() || received->size() != core::crypto::kSha256Bytes) {
    return core::Status::unauthenticated("malformed X-WC-Webhook-Signature header");
  }

  bool any_secret = false;
  bool matched = false;
  // No early exit, so timing does not reveal which secret matched.
  for (const std::string& secret : secrets) {
    // WooCommerce itself signs with an empty key for a webhook without a secret
    // (test_generate_signature), but such a signature is forgeable by anyone:
    // refuse it rather than accept unauthenticated data.
    if (secret.empty()) continue;
    any_secret = true;
    const std::string expected = core::crypto::hmacSha256(secret, raw_body);
    matched = core::crypto::constantTimeEquals(expected, *received) || matched;
  }
  if (!any_secret) return core::Status::unauthenticated("no WooCommerce webhook secret configured");
  if (!matched) return core::Status::unauthenticated("X-WC-Webhook-Signature does not match");
  return core::Status::ok();
}

bool isCreationPing(std::string_view raw_body) {
  // deliver_ping() posts 'webhook_id=' . $this->get_id(); the id is a positive
  // WordPress post id, so anything else (extra fields, signs, spaces) is not it.
  constexpr std::string_view kPrefix = "webhook_id=";
  constexpr std::size_t kMaxDigits = 20;  // fits any 64-bit id
  if (!raw_body.starts_with(kPrefix)) return false;
  const std::string_view id = raw_body.substr(kPrefix.size());
  if (id.empty() || id.size() > kMaxDigits) return false;
  for (char c : id) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace cartrelay::connectors::woocommerce
