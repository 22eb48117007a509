#pragma once

#include <optional>

#include "compliance/gate.h"
#include "compliance/rules/rule.h"

namespace cartrelay::compliance::rules {

// COMMERCIAL under jurisdiction EU, the basis for direct marketing (rules 21,
// 22, 24). Passes for TRANSACTIONAL and under TR.
//
// RET (a withdrawal or an Art. 21 objection) -> DENY(CONSENT_WITHDRAWN).
// ONAY: passes when its purpose scope is empty or holds the message's
// purpose, else DENY(OUT_OF_CONSENT_SCOPE). No consent: when the recipient's
// country has the soft opt-in enabled (policy.soft_optin_countries), passes
// only with a completed order (facts.has_completed_order), else
// DENY(SOFT_OPTIN_NOT_ELIGIBLE); in any other country DENY(NO_CONSENT).
std::optional<Decision> consentEu(const RuleContext& ctx);

}  // namespace cartrelay::compliance::rules
