#include "connectors/whatsapp/signature.h"

#include "core/util/crypto.h"
#include "core/util/text.h"

namespace cartrelay::whatsapp {

namespace {

constexpr std::string_view kPrefix = "sha256=";

}  // namespace

std::string computeSignatureHeader(std::string_view app_secret, std::string_view raw_body) {
  return std::string(kPrefix) +
         core::crypto::hexEncode(core::crypto::hmacSha256(app_secret, raw_body));
}

core::Status verifySignature(std::string_view header_value, std::string_view raw_body,
                             std::span<const std::string> app_secrets) {
  const std::string_view value = core::trimAsciiWhitespace(header_value);
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

  switch (core::crypto::matchHmacSha256(*received, raw_body, app_secrets)) {
    case core::crypto::MacMatch::kMatch:
      return core::Status::ok();
    case core::crypto::MacMatch::kNoUsableSecret:
      return core::Status::unauthenticated("no WhatsApp app secret configured");
    case core::crypto::MacMatch::kMismatch:
      break;
  }
  return core::Status::unauthenticated("X-Hub-Signature-256 does not match");
}

}  // namespace cartrelay::whatsapp
