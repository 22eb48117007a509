// Source: compliance-rules.md rule 38 and whatsapp-cloud-api.md §4 (error
// 131047): outside the 24-hour customer service window only an approved
// template may be sent; Meta refuses free-form text there.
#include "compliance/rules/service_window.h"

namespace cartrelay::compliance::rules {

std::optional<Decision> serviceWindow(const RuleContext& ctx) {
  if (!ctx.intent.message_template.free_form) return std::nullopt;
  // Every class: Meta refuses it whatever it says, and a send that is bound
  // to fail must not be audited as allowed.
  const auto& last = ctx.facts.last_inbound_at;
  if (last && ctx.now - *last < kServiceWindowMs) return std::nullopt;
  return Decision::deny(Reason::kOutsideServiceWindow, ctx.purpose_class);
}

}  // namespace cartrelay::compliance::rules
