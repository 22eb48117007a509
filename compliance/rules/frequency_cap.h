#pragma once

#include <optional>

#include "compliance/gate.h"
#include "compliance/rules/rule.h"

namespace cartrelay::compliance::rules {

// COMMERCIAL only (rule 35): the rolling caps over facts.commercial_sends.
//
// A send counts in the 24 h window when it is after now - 24 h (a send
// exactly 24 h ago no longer counts), including a send stamped after now; the
// same for 7 days. A cap of 0 (or
// less) -> DENY(FREQUENCY_CAP). A window holding at least its cap ->
// DEFER(FREQUENCY_CAP), retry_at = the cap-th most recent send in it + the
// window + 1 ms. When both windows are full, the later retry_at.
std::optional<Decision> frequencyCap(const RuleContext& ctx);

}  // namespace cartrelay::compliance::rules
