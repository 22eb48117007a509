// Source: compliance-rules.md rule 46 (GDPR Art. 17(1), 17(3)(b),(e); KVKK
// Art. 7): an erased subject keeps only a suppression entry "so the person is
// not messaged again".
#include "compliance/rules/erased.h"

namespace cartrelay::compliance::rules {

std::optional<Decision> erased(const RuleContext& ctx) {
  // Every class: after erasure we hold no profile that could justify even a
  // TRANSACTIONAL message, and the suppression entry exists to stop all of them.
  if (ctx.facts.erased) return Decision::deny(Reason::kErased, ctx.purpose_class);
  return std::nullopt;
}

}  // namespace cartrelay::compliance::rules
