// Source: compliance-rules.md rule 34 (PRACTICE, vendor defaults; no TR or EU
// statute identified, the US TCPA 47 CFR 64.1200(c)(1) only for comparison)
// and rule 36 (DESIGN: the recipient's time zone).
#include "compliance/rules/quiet_hours.h"

#include <cassert>

#include "compliance/quiet_hours.h"

namespace cartrelay::compliance::rules {

std::optional<Decision> quietHours(const RuleContext& ctx) {
  // TRANSACTIONAL is exempt: an order or shipping notice is expected when it
  // happens.
  if (ctx.purpose_class != PurposeClass::kCommercial) return std::nullopt;
  const core::TimeZone* zone = ctx.facts.zone;
  assert(zone != nullptr && "GateFacts::zone must be set (rule 36)");
  if (zone == nullptr) {
    // A caller bug, but the gate must still decide. Guessing a zone could send
    // at night in the recipient's real one; denying would drop a message rule
    // 34 says to defer, never drop. Deferring an hour keeps it queued, shows
    // up as repeated QUIET_HOURS in the audit, and resolves itself once the
    // caller supplies the zone.
    return Decision::defer(Reason::kQuietHours, ctx.now + kUnknownZoneRetryDelayMs,
                           ctx.purpose_class);
  }
  if (withinSendingHours(ctx.now, *zone, ctx.policy.sending_hours)) return std::nullopt;
  return Decision::defer(Reason::kQuietHours,
                         nextSendingTime(ctx.now, *zone, ctx.policy.sending_hours),
                         ctx.purpose_class);
}

}  // namespace cartrelay::compliance::rules
