#pragma once

#include <cstdint>
#include <optional>

#include "compliance/gate.h"
#include "compliance/rules/rule.h"

namespace cartrelay::compliance::rules {

// How long a step waits for a paused template before asking again. The
// registry learns of an approval from Meta's webhook at once (or from the
// periodic sync); a quarter of an hour bounds how late the step then goes.
inline constexpr std::int64_t kTemplatePausedRetryMs = 15LL * 60 * 1000;

// Every message (rule 38): DENY(TEMPLATE_NOT_APPROVED) when Meta rejected or
// deleted the template; DEFER(TEMPLATE_PAUSED) for kTemplatePausedRetryMs
// while it is paused, disabled or not yet approved. Passes when approved.
std::optional<Decision> templateApproved(const RuleContext& ctx);

}  // namespace cartrelay::compliance::rules
