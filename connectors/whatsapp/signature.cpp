#include "connectors/whatsapp/signature.h"

#include "core/util/crypto.h"

namespace cartrelay::whatsapp {

namespace {

constexpr std::string_view kPrefix = "sha256=";

std::string_view trimWhitespace(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

}  // namespace

std::string computeSignatureHeader(std::string_view app_secret, std::string_view raw_body) {
  return std::string(kPrefix) +
         core::crypto::hexEncode(core::crypto::hmacSha256(app_secret, raw_body));
}

core::Status verifySignature(std::string_view header_value, std::string_view raw_body,
                             std::span<const std::string> app_secrets) {
  const std::string_view value = trimWhitespace(header_value);
  if (value.empty()) return core::Status::unauthenticated("missing X-Hub-Signature-256 header");

  // Meta: "X-Hub-Signature-256: sha256=<hex>"; compare against everything after
  // the prefix (whatsapp-cloud-api.md §5). Any other algorithm label (the legacy
  // SHA-1 "sha1=" of X-Hub-Signature included) is refused, not downgraded to.
  if (!value.starts_with(kPrefix)) {
    return core::Status::unauthenticated("X-Hub-Signature-256 is not sha256=<hex>");
  }
  auto received = core::crypto::hexDecode(value.substr(kPrefix.size()));
  if (!received.isOk() || received->size() != core::crypto::kSha256Bytes) {
    return core::Status::unauthenticated("malformed X-Hub-Signature-256 header");
  }

  bool any_secret = false;
  bool matched = false;
  // No early exit, so timing does not reveal which secret matched.
  for (const std::string& secret : app_secrets) {
    // An empty key is a valid HMAC key that anyone can use; never accept it.
    if (secret.empty()) continue;
    any_secret = true;
    const std::string expected = core::crypto::hmacSha256(secret, raw_body);
    matched = core::crypto::constantTimeEquals(expected, *received) || matched;
  }
  if (!any_secret) return core::Status::unauthenticated("no WhatsApp app secret configured");
  if (!matched) return core::Status::unauthenticated("X-Hub-Signature-256 does not match");
  return core::Status::ok();
}

}  // namespace cartrelay::whatsapp
