#pragma once

#include <cstdint>
#include <optional>

#include "compliance/gate.h"
#include "compliance/rules/rule.h"

namespace cartrelay::compliance::rules {

// The customer service window: a user's message lets the business answer
// with free-form messages for 24 hours from that message's time.
inline constexpr std::int64_t kServiceWindowMs = 24LL * 60 * 60 * 1000;

// A free-form message (rule 38): DENY(OUTSIDE_SERVICE_WINDOW) unless the
// recipient wrote within the last kServiceWindowMs (facts.last_inbound_at).
// The window only closes with time, so the message is dropped, not
// deferred. Template messages pass.
std::optional<Decision> serviceWindow(const RuleContext& ctx);

}  // namespace cartrelay::compliance::rules
