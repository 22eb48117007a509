// Source: compliance-rules.md rules 7, 12, 14, 15, 18 and 19 (Law 6563
// Art. 6(1)-(2) and Art. 7(1); the Regulation on Commercial Communication,
// RG 15.07.2015 No. 29417 as amended, Art. 5(1) and Art. 7; KVKK 6698
// Art. 3(1)(a), 5(1), 10 and the Aydınlatma Tebliği Art. 5).
#include "compliance/rules/consent_tr.h"

namespace cartrelay::compliance::rules {
namespace {

// Rule 12 (Law 6563 Art. 6(2)): merchants and craftsmen need no prior
// consent, but must be in İYS as TACIR and must not have said RET.
//
// Limitation: with İYS off (policy.iys_enabled false) we cannot see whether
// the number is registered in İYS as TACIR at all, so the only check left is
// our own ledger's RET; the recipient type itself is whatever the ledger's
// deciding event says (rule 12: TACIR only with an explicit B2B flag, which is
// the ingest's job). Operators who send to TACIR recipients should run with
// İYS on.
std::optional<Decision> tacir(const RuleContext& ctx) {
  if (ctx.facts.consent.status == ConsentState::Status::kRet) {
    return Decision::deny(Reason::kConsentWithdrawn, ctx.purpose_class);
  }
  if (!ctx.policy.iys_enabled) return std::nullopt;
  switch (ctx.facts.iys_status) {
    case GateFacts::IysStatus::kOnay:
      return std::nullopt;
    case GateFacts::IysStatus::kRet:
      // Rule 12 names this case DENY(IYS_RET), which reason.h spells
      // IYS_NO_CONSENT. The number is in İYS; it has said no, and the audit
      // should say that rather than "not registered".
      return Decision::deny(Reason::kIysNoConsent, ctx.purpose_class);
    case GateFacts::IysStatus::kNotFound:
    case GateFacts::IysStatus::kUnknown:
      break;
  }
  // Not found, or never checked: the TACIR exemption needs the İYS record, so
  // without one it does not apply (fail closed).
  return Decision::deny(Reason::kTacirNotInIys, ctx.purpose_class);
}

// Rules 7, 14, 15, 19 and 18, in that order: first whether there is a yes at
// all, then whether that yes is a valid consent record, then whether it covers
// this message.
std::optional<Decision> bireysel(const RuleContext& ctx) {
  const ConsentState& consent = ctx.facts.consent;
  switch (consent.status) {
    case ConsentState::Status::kRet:
      // Regulation Art. 5(1): consent is valid until the right of rejection is
      // used; a RET after the ONAY is what the fold gives as kRet.
      return Decision::deny(Reason::kConsentWithdrawn, ctx.purpose_class);
    case ConsentState::Status::kNone:
      return Decision::deny(Reason::kNoConsent, ctx.purpose_class);
    case ConsentState::Status::kOnay:
      break;
  }
  // Regulation Art. 7: the record must hold the name and surname.
  if (!consent.complete) return Decision::deny(Reason::kConsentIncomplete, ctx.purpose_class);
  // Regulation Art. 7 as amended: a number given online is verified first.
  if (!consent.verified) return Decision::deny(Reason::kConsentUnverified, ctx.purpose_class);
  // KVKK Art. 10: the processing of the number for marketing rests on the
  // aydınlatma metni shown; without its version we cannot prove it was shown.
  if (consent.kvkk_notice_version.empty()) {
    return Decision::deny(Reason::kKvkkNoticeMissing, ctx.purpose_class);
  }
  // Law 6563 Art. 7(1): the content must match what was consented to. An
  // empty scope is a consent to every commercial purpose (consent_state.h).
  if (!consent.purpose_scope.empty() && !consent.purpose_scope.contains(ctx.intent.purpose)) {
    return Decision::deny(Reason::kOutOfConsentScope, ctx.purpose_class);
  }
  return std::nullopt;
}

}  // namespace

std::optional<Decision> consentTr(const RuleContext& ctx) {
  // Law 6563 governs commercial electronic messages only; TRANSACTIONAL is
  // exempt from consent (rule 6).
  if (ctx.purpose_class != PurposeClass::kCommercial) return std::nullopt;
  if (ctx.policy.jurisdiction != Jurisdiction::kTR) return std::nullopt;
  if (ctx.facts.consent.recipient_type == RecipientType::kTacir) return tacir(ctx);
  return bireysel(ctx);
}

}  // namespace cartrelay::compliance::rules
