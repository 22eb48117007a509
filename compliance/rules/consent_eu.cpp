// Source: compliance-rules.md rules 21, 22 and 24 (GDPR Art. 6(1)(a), Art. 7
// and Art. 21(2)-(3); ePrivacy Directive 2002/58/EC Art. 13(1) and the soft
// opt-in of Art. 13(2)).
#include "compliance/rules/consent_eu.h"

namespace cartrelay::compliance::rules {

std::optional<Decision> consentEu(const RuleContext& ctx) {
  // ePrivacy Art. 13 covers direct marketing only; TRANSACTIONAL needs no
  // marketing basis.
  if (ctx.purpose_class != PurposeClass::kCommercial) return std::nullopt;
  if (ctx.policy.jurisdiction != Jurisdiction::kEU) return std::nullopt;
  const ConsentState& consent = ctx.facts.consent;
  switch (consent.status) {
    case ConsentState::Status::kRet:
      // A withdrawal (Art. 7(3)) or an objection (Art. 21(3), absolute for
      // direct marketing, rule 24) both fold into RET. It also beats the soft
      // opt-in: the person has used the opt-out that Art. 13(2) requires.
      return Decision::deny(Reason::kConsentWithdrawn, ctx.purpose_class);
    case ConsentState::Status::kOnay:
      // Art. 4(11) "specific": the consent must cover this purpose; an empty
      // scope is a consent to every commercial purpose (consent_state.h).
      if (!consent.purpose_scope.empty() && !consent.purpose_scope.contains(ctx.intent.purpose)) {
        return Decision::deny(Reason::kOutOfConsentScope, ctx.purpose_class);
      }
      return std::nullopt;
    case ConsentState::Status::kNone:
      break;
  }
  // No consent: only the soft opt-in is left, and only where the operator has
  // enabled it for the recipient's country (off by default; Member States
  // transpose Art. 13(2) differently). An unknown country ("") is never
  // enabled.
  if (!ctx.policy.soft_optin_countries.contains(ctx.facts.country)) {
    return Decision::deny(Reason::kNoConsent, ctx.purpose_class);
  }
  // "In the context of the sale": a completed order for this phone. An
  // abandoned cart alone is not a sale (rule 22's consequence).
  if (!ctx.facts.has_completed_order) {
    return Decision::deny(Reason::kSoftOptinNotEligible, ctx.purpose_class);
  }
  return std::nullopt;
}

}  // namespace cartrelay::compliance::rules
