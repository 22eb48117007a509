#pragma once

#include <optional>

#include "compliance/gate.h"
#include "compliance/rules/rule.h"

namespace cartrelay::compliance::rules {

// Any message about a cart (intent.cart_id set; rule 35). Passes when there is
// no cart_id.
//
// No cart state on record -> DENY(CART_EXPIRED) (nothing left to remind
// about); completed -> DENY(PURCHASE_COMPLETED); deleted -> DENY(CART_EXPIRED);
// open but its last activity more than policy.cart_expiry_ms before now ->
// DENY(CART_EXPIRED) (exactly cart_expiry_ms ago still passes).
std::optional<Decision> cart(const RuleContext& ctx);

}  // namespace cartrelay::compliance::rules
