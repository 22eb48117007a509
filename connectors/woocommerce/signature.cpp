#include "connectors/woocommerce/signature.h"

#include "core/util/base64.h"
#include "core/util/crypto.h"
#include "core/util/text.h"

namespace cartrelay::connectors::woocommerce {

std::string computeWebhookSignature(std::string_view secret, std::string_view raw_body) {
  // WC_Webhook::generate_signature(): base64_encode(hash_hmac('sha256', $body, $secret, true)).
  return core::base64Encode(core::crypto::hmacSha256(secret, raw_body));
}

core::Status verifyWebhookSignature(std::string_view header_value, std::string_view raw_body,
                                    std::span<const std::string> secrets) {
  const std::string_view value = core::trimAsciiWhitespace(header_value);
  if (value.empty()) return core::Status::unauthenticated("missing X-WC-Webhook-Signature header");

  // Bad signature -> 401, never 400 (DESIGN.md "Delivery semantics").
  auto received = core::base64Decode(value);
  if (!received.isOk() || received->size() != core::crypto::kSha256Bytes) {
    return core::Status::unauthenticated("malformed X-WC-Webhook-Signature header");
  }

  switch (core::crypto::matchHmacSha256(*received, raw_body, secrets)) {
    case core::crypto::MacMatch::kMatch:
      return core::Status::ok();
    case core::crypto::MacMatch::kNoUsableSecret:
      return core::Status::unauthenticated("no WooCommerce webhook secret configured");
    case core::crypto::MacMatch::kMismatch:
      break;
  }
  return core::Status::unauthenticated("X-WC-Webhook-Signature does not match");
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
