// Source: no numbered rule of its own; DESIGN.md "Phones" as quoted in
// reason.h (INVALID_PHONE: never sent to). compliance-rules.md keys consent on
// the E.164 phone (rule 7, Law 6563 Art. 6(1); İYS recipient) and derives the
// recipient's time zone from its country code (rule 36, DESIGN), so a number
// that did not parse as E.164 can be matched against neither.
#include "compliance/rules/invalid_phone.h"

namespace cartrelay::compliance::rules {

std::optional<Decision> invalidPhone(const RuleContext& ctx) {
  // First in the order: without a valid number nothing else about the subject
  // (country, zone, İYS) can be trusted, and no message of any class can go.
  if (!ctx.facts.phone_valid) return Decision::deny(Reason::kInvalidPhone, ctx.purpose_class);
  return std::nullopt;
}

}  // namespace cartrelay::compliance::rules
