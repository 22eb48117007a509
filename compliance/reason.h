#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace cartrelay::compliance {

// Why the gate denied or deferred a message. The string form (toString) is the
// code written to the audit chain, the outbox and `--json` output, so it is a
// stable interface: never rename a code, only add new ones. The numeric values
// are not stable and must never be persisted.
//
// Sources: DESIGN.md "The gate" and shared/reference/compliance-rules.md (rule
// numbers below). Where the rule list and DESIGN name the same condition
// differently, DESIGN's name is used and the rule's name is given in the comment.
// Ingest-time REJECT(...) and ALERT(...) codes of the rule list are not gate
// reasons and are not listed here.
enum class Reason {
  // Classification and template content.
  kTemplateUnclassified,        // TEMPLATE_UNCLASSIFIED, rule 1
  kTransactionalContainsPromo,  // TRANSACTIONAL_CONTAINS_PROMO, rule 5
  kOptinRequestContainsPromo,   // OPTIN_REQUEST_CONTAINS_PROMO, rule 20
  kTemplateMissingOptout,       // TEMPLATE_MISSING_OPTOUT, rule 25
  kTemplateMissingSenderId,     // TEMPLATE_MISSING_SENDER_ID, rule 30
  kTemplateMissingContact,      // TEMPLATE_MISSING_CONTACT, rule 31
  kPromoTermsMissing,           // PROMO_TERMS_MISSING, rule 32
  kTemplateNotApproved,         // TEMPLATE_NOT_APPROVED, rule 38
  kTemplateCategoryMismatch,    // TEMPLATE_CATEGORY_MISMATCH, rule 38
  kTemplatePaused,  // TEMPLATE_PAUSED (defer): paused, disabled or in review at Meta, rule 38
  // Consent (TR and EU).
  kNoConsent,             // NO_CONSENT, rules 7 and 21
  kConsentWithdrawn,      // CONSENT_WITHDRAWN; the rule list's OPTED_OUT, rules 24 and 26
  kConsentIncomplete,     // CONSENT_INCOMPLETE, rule 14
  kConsentUnverified,     // CONSENT_UNVERIFIED, rule 15
  kOutOfConsentScope,     // OUT_OF_CONSENT_SCOPE, rule 18
  kKvkkNoticeMissing,     // KVKK_NOTICE_MISSING, rule 19
  kSoftOptinNotEligible,  // SOFT_OPTIN_NOT_ELIGIBLE, rule 22
  // İYS (TR).
  kIysNotRegistered,  // IYS_NOT_REGISTERED: our consent was never registered in İYS, rule 8
  kIysNoConsent,      // IYS_NO_CONSENT; the rule list's IYS_RET / IYS_NOT_FOUND, rule 9
  kIysUnavailable,    // IYS_UNAVAILABLE (defer): İYS unreachable, cache stale, rule 9
  kTacirNotInIys,     // TACIR_NOT_IN_IYS, rule 12
  // Subject and recipient.
  kBlocked,       // BLOCKED: block_all flag, suppresses TRANSACTIONAL too, rule 29
  kErased,        // ERASED: the subject was erased, rule 46
  kInvalidPhone,  // INVALID_PHONE: DESIGN.md "Phones", never sent to
  // Time, frequency and journey state.
  kQuietHours,            // QUIET_HOURS (defer), rule 34
  kFrequencyCap,          // FREQUENCY_CAP (defer), rule 35
  kPurchaseCompleted,     // PURCHASE_COMPLETED; the rule list's CART_RESOLVED, rule 35
  kCartExpired,           // CART_EXPIRED, rule 35
  kOutsideServiceWindow,  // OUTSIDE_SERVICE_WINDOW: free-form text after 24 h, rule 38
  // Accountability and transfers.
  kTransferBasisMissing,  // TRANSFER_BASIS_MISSING, rule 49
  kAuditUnavailable,      // AUDIT_UNAVAILABLE, rule 40
  kAuditIntegrityFailed,  // AUDIT_INTEGRITY_FAILED: SAFE_MODE after a failed verify, rule 43
};

// The wire/audit code, e.g. Reason::kNoConsent -> "NO_CONSENT". Returns an
// empty view for a value that is not an enumerator. Thread-safe.
std::string_view toString(Reason reason);

// Inverse of toString: exact, case-sensitive match of the code. std::nullopt
// for anything else (an unknown code read back from the audit chain is a
// finding for the caller, not something to guess at). Thread-safe.
std::optional<Reason> parseReason(std::string_view code);

// Every enumerator once, in declaration order (for tests, docs and `--help`).
std::span<const Reason> allReasons();

}  // namespace cartrelay::compliance
