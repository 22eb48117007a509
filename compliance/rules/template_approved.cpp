// Source: compliance-rules.md rule 38 (PLATFORM, WhatsApp Business Messaging
// Policy; 360dialog "Before sending a message"): business-initiated messages
// must use a template Meta has approved.
#include "compliance/rules/template_approved.h"

namespace cartrelay::compliance::rules {

std::optional<Decision> templateApproved(const RuleContext& ctx) {
  // Every class: Meta rejects an unapproved template whatever it says, and a
  // send that is bound to fail must not be audited as allowed.
  switch (ctx.intent.message_template.availability) {
    case TemplateAvailability::kApproved:
      return std::nullopt;
    case TemplateAvailability::kPaused:
      // A pause is Meta's, not the recipient's: the step keeps its place
      // and goes out once the template is approved again (or is dropped by
      // the cart and consent rules meanwhile).
      return Decision::defer(Reason::kTemplatePaused, ctx.now + kTemplatePausedRetryMs,
                             ctx.purpose_class);
    case TemplateAvailability::kNotApproved:
      break;
  }
  return Decision::deny(Reason::kTemplateNotApproved, ctx.purpose_class);
}

}  // namespace cartrelay::compliance::rules
