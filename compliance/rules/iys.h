#pragma once

#include <optional>

#include "compliance/gate.h"
#include "compliance/rules/rule.h"

namespace cartrelay::compliance::rules {

// How long an İYS deferral waits before the gate is asked again.
inline constexpr core::EpochMillis kIysRetryDelayMs = 5LL * 60 * 1000;

// COMMERCIAL under jurisdiction TR with İYS enabled (rule 9): the recipient's
// status in İYS, fail closed. Passes when it does not apply.
//
// A view that is not fresh (facts.iys_fresh false) -> DEFER(IYS_UNAVAILABLE),
// retry_at = now + kIysRetryDelayMs, for BIREYSEL and TACIR alike.
// BIREYSEL with a fresh view: RET or not found -> DENY(IYS_NO_CONSENT); unknown
// -> DEFER(IYS_UNAVAILABLE) (same retry); ONAY passes. A TACIR's status itself
// is checked by consentTr (rule 12), so here it only needs the view fresh.
std::optional<Decision> iys(const RuleContext& ctx);

}  // namespace cartrelay::compliance::rules
