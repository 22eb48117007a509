#pragma once

#include <optional>

#include "compliance/gate.h"
#include "compliance/rules/rule.h"

namespace cartrelay::compliance::rules {

// Every message: DENY(INVALID_PHONE) when the recipient's phone did not parse
// as E.164 (facts.phone_valid is false). Passes otherwise.
std::optional<Decision> invalidPhone(const RuleContext& ctx);

}  // namespace cartrelay::compliance::rules
