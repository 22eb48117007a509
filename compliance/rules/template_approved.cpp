// Source: compliance-rules.md rule 38 (PLATFORM, WhatsApp Business Messaging
// Policy; 360dialog "Before sending a message"): business-initiated messages
// must use a template Meta has approved.
#include "compliance/rules/template_approved.h"

namespace cartrelay::compliance::rules {

std::optional<Decision> templateApproved(const RuleContext& ctx) {
  // Every class: Meta rejects an unapproved template whatever it says, and a
  // send that is bound to fail must not be audited as allowed.
  if (!ctx.intent.message_template.approved) {
    return Decision::deny(Reason::kTemplateNotApproved, ctx.purpose_class);
  }
  return std::nullopt;
}

}  // namespace cartrelay::compliance::rules
