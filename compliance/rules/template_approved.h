#pragma once

#include <optional>

#include "compliance/gate.h"
#include "compliance/rules/rule.h"

namespace cartrelay::compliance::rules {

// Every message: DENY(TEMPLATE_NOT_APPROVED) when the template is not approved
// at Meta (rule 38). Passes otherwise.
std::optional<Decision> templateApproved(const RuleContext& ctx);

}  // namespace cartrelay::compliance::rules
