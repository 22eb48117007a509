#pragma once

#include <optional>

#include "compliance/gate.h"
#include "compliance/rules/rule.h"

namespace cartrelay::compliance::rules {

// The retry delay when the recipient's zone is missing (a caller bug).
inline constexpr core::EpochMillis kUnknownZoneRetryDelayMs = 60LL * 60 * 1000;

// COMMERCIAL only (rule 34): outside policy.sending_hours in the recipient's
// local time (facts.zone) -> DEFER(QUIET_HOURS), retry_at = nextSendingTime().
// TRANSACTIONAL is exempt.
//
// facts.zone must not be null (gate.h). A null zone asserts in debug builds;
// in release it gives DEFER(QUIET_HOURS) with retry_at = now +
// kUnknownZoneRetryDelayMs.
std::optional<Decision> quietHours(const RuleContext& ctx);

}  // namespace cartrelay::compliance::rules
