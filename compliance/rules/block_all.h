#pragma once

#include <optional>

#include "compliance/gate.h"
#include "compliance/rules/rule.h"

namespace cartrelay::compliance::rules {

// Every message: DENY(BLOCKED) when the subject's consent state carries the
// block-all flag (facts.consent.block_all), TRANSACTIONAL included (rule 29).
// Passes otherwise.
std::optional<Decision> blockAll(const RuleContext& ctx);

}  // namespace cartrelay::compliance::rules
