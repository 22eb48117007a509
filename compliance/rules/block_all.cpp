// Source: compliance-rules.md rule 29 (PRACTICE; Regulation Art. 6 on
// transactional messages): a plain RET stops COMMERCIAL only, but the separate
// block_all flag ("stop everything", a WhatsApp block or report) stops
// TRANSACTIONAL too.
#include "compliance/rules/block_all.h"

namespace cartrelay::compliance::rules {

std::optional<Decision> blockAll(const RuleContext& ctx) {
  // Not limited to COMMERCIAL: stopping TRANSACTIONAL is the whole point of the
  // flag. Legally required notices go by another channel (rule 29), not here.
  if (ctx.facts.consent.block_all) return Decision::deny(Reason::kBlocked, ctx.purpose_class);
  return std::nullopt;
}

}  // namespace cartrelay::compliance::rules
