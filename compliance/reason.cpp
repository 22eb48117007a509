#include "compliance/reason.h"

#include <array>

namespace cartrelay::compliance {

namespace {

constexpr std::array kAllReasons = {
    Reason::kTemplateUnclassified,
    Reason::kTransactionalContainsPromo,
    Reason::kOptinRequestContainsPromo,
    Reason::kTemplateMissingOptout,
    Reason::kTemplateMissingSenderId,
    Reason::kTemplateMissingContact,
    Reason::kPromoTermsMissing,
    Reason::kTemplateNotApproved,
    Reason::kTemplateCategoryMismatch,
    Reason::kTemplatePaused,
    Reason::kNoConsent,
    Reason::kConsentWithdrawn,
    Reason::kConsentIncomplete,
    Reason::kConsentUnverified,
    Reason::kOutOfConsentScope,
    Reason::kKvkkNoticeMissing,
    Reason::kSoftOptinNotEligible,
    Reason::kIysNotRegistered,
    Reason::kIysNoConsent,
    Reason::kIysUnavailable,
    Reason::kTacirNotInIys,
    Reason::kBlocked,
    Reason::kErased,
    Reason::kInvalidPhone,
    Reason::kQuietHours,
    Reason::kFrequencyCap,
    Reason::kPurchaseCompleted,
    Reason::kCartExpired,
    Reason::kOutsideServiceWindow,
    Reason::kTransferBasisMissing,
    Reason::kAuditUnavailable,
    Reason::kAuditIntegrityFailed,
};

// The enumerators are implicitly numbered, so declaration order and this table
// must agree; the tests also probe one past the end to catch a forgotten entry.
constexpr bool tableMatchesDeclarationOrder() {
  for (std::size_t i = 0; i < kAllReasons.size(); ++i) {
    if (static_cast<std::size_t>(kAllReasons[i]) != i) return false;
  }
  return true;
}
static_assert(tableMatchesDeclarationOrder());

}  // namespace

std::string_view toString(Reason reason) {
  // A switch without default: -Wswitch flags any enumerator added without a code.
  switch (reason) {
    case Reason::kTemplateUnclassified:
      return "TEMPLATE_UNCLASSIFIED";
    case Reason::kTransactionalContainsPromo:
      return "TRANSACTIONAL_CONTAINS_PROMO";
    case Reason::kOptinRequestContainsPromo:
      return "OPTIN_REQUEST_CONTAINS_PROMO";
    case Reason::kTemplateMissingOptout:
      return "TEMPLATE_MISSING_OPTOUT";
    case Reason::kTemplateMissingSenderId:
      return "TEMPLATE_MISSING_SENDER_ID";
    case Reason::kTemplateMissingContact:
      return "TEMPLATE_MISSING_CONTACT";
    case Reason::kPromoTermsMissing:
      return "PROMO_TERMS_MISSING";
    case Reason::kTemplateNotApproved:
      return "TEMPLATE_NOT_APPROVED";
    case Reason::kTemplateCategoryMismatch:
      return "TEMPLATE_CATEGORY_MISMATCH";
    case Reason::kTemplatePaused:
      return "TEMPLATE_PAUSED";
    case Reason::kNoConsent:
      return "NO_CONSENT";
    case Reason::kConsentWithdrawn:
      return "CONSENT_WITHDRAWN";
    case Reason::kConsentIncomplete:
      return "CONSENT_INCOMPLETE";
    case Reason::kConsentUnverified:
      return "CONSENT_UNVERIFIED";
    case Reason::kOutOfConsentScope:
      return "OUT_OF_CONSENT_SCOPE";
    case Reason::kKvkkNoticeMissing:
      return "KVKK_NOTICE_MISSING";
    case Reason::kSoftOptinNotEligible:
      return "SOFT_OPTIN_NOT_ELIGIBLE";
    case Reason::kIysNotRegistered:
      return "IYS_NOT_REGISTERED";
    case Reason::kIysNoConsent:
      return "IYS_NO_CONSENT";
    case Reason::kIysUnavailable:
      return "IYS_UNAVAILABLE";
    case Reason::kTacirNotInIys:
      return "TACIR_NOT_IN_IYS";
    case Reason::kBlocked:
      return "BLOCKED";
    case Reason::kErased:
      return "ERASED";
    case Reason::kInvalidPhone:
      return "INVALID_PHONE";
    case Reason::kQuietHours:
      return "QUIET_HOURS";
    case Reason::kFrequencyCap:
      return "FREQUENCY_CAP";
    case Reason::kPurchaseCompleted:
      return "PURCHASE_COMPLETED";
    case Reason::kCartExpired:
      return "CART_EXPIRED";
    case Reason::kOutsideServiceWindow:
      return "OUTSIDE_SERVICE_WINDOW";
    case Reason::kTransferBasisMissing:
      return "TRANSFER_BASIS_MISSING";
    case Reason::kAuditUnavailable:
      return "AUDIT_UNAVAILABLE";
    case Reason::kAuditIntegrityFailed:
      return "AUDIT_INTEGRITY_FAILED";
  }
  return {};
}

std::optional<Reason> parseReason(std::string_view code) {
  // A linear scan over ~30 short strings; audit verification is not hot enough
  // to justify a second table that could drift from toString.
  if (code.empty()) return std::nullopt;
  for (Reason reason : kAllReasons) {
    if (toString(reason) == code) return reason;
  }
  return std::nullopt;
}

std::span<const Reason> allReasons() { return kAllReasons; }

}  // namespace cartrelay::compliance
