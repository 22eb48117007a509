// Source: compliance-rules.md rule 9 (the Regulation on Commercial
// Communication, RG 15.07.2015 No. 29417 as amended, Art. 11: the İYS check
// before delivery; the staleness window is DESIGN), and rule 12 (Law 6563
// Art. 6(2)) for TACIR recipients.
#include "compliance/rules/iys.h"

namespace cartrelay::compliance::rules {

std::optional<Decision> iys(const RuleContext& ctx) {
  if (ctx.purpose_class != PurposeClass::kCommercial) return std::nullopt;
  if (ctx.policy.jurisdiction != Jurisdiction::kTR || !ctx.policy.iys_enabled) return std::nullopt;
  const Decision unavailable =
      Decision::defer(Reason::kIysUnavailable, ctx.now + kIysRetryDelayMs, ctx.purpose_class);
  // Fail closed: a view older than the staleness window may miss a RET the
  // citizen gave on İYS, so never allow on it. Deferring rather than denying
  // keeps the message for when İYS answers again. This holds for TACIR too:
  // consentTr accepted the TACIR on this same view, and a stale ONAY proves no
  // more for a merchant than for a consumer.
  if (!ctx.facts.iys_fresh) return unavailable;
  if (ctx.facts.consent.recipient_type == RecipientType::kTacir) return std::nullopt;
  switch (ctx.facts.iys_status) {
    case GateFacts::IysStatus::kOnay:
      return std::nullopt;
    case GateFacts::IysStatus::kRet:
    case GateFacts::IysStatus::kNotFound:
      // Our own ledger may say ONAY, but İYS is the authority (Regulation
      // Art. 5(2)-(3): consents not in İYS cannot be relied on).
      return Decision::deny(Reason::kIysNoConsent, ctx.purpose_class);
    case GateFacts::IysStatus::kUnknown:
      break;
  }
  // Fresh but without an answer for this number: treated like an unreachable
  // İYS, not like a "no".
  return unavailable;
}

}  // namespace cartrelay::compliance::rules
