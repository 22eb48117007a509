#pragma once

#include <optional>

#include "compliance/gate.h"
#include "compliance/rules/rule.h"

namespace cartrelay::compliance::rules {

// Every message: DENY(ERASED) when the subject was erased (facts.erased),
// TRANSACTIONAL included (rule 46). Passes otherwise.
std::optional<Decision> erased(const RuleContext& ctx);

}  // namespace cartrelay::compliance::rules
