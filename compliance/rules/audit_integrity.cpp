// Source: compliance-rules.md rule 43 (DESIGN, serving GDPR Art. 5(2) and
// Art. 7(1) accountability and Regulation Art. 12 records, rule 40): after a
// failed `verify` the daemon is in SAFE_MODE and COMMERCIAL sends are denied.
#include "compliance/rules/audit_integrity.h"

namespace cartrelay::compliance::rules {

std::optional<Decision> auditIntegrity(const RuleContext& ctx) {
  // TRANSACTIONAL keeps flowing in SAFE_MODE: it needs no consent, so there is
  // no consent proof whose integrity is in doubt, and order or shipping notices
  // should not stop because the marketing evidence trail is under review.
  if (ctx.purpose_class != PurposeClass::kCommercial) return std::nullopt;
  if (!ctx.facts.audit_intact) {
    return Decision::deny(Reason::kAuditIntegrityFailed, ctx.purpose_class);
  }
  return std::nullopt;
}

}  // namespace cartrelay::compliance::rules
