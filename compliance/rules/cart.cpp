// Source: compliance-rules.md rule 35 (PRACTICE): an abandoned-cart sequence
// stops at once on order or cart recovery (the rule list's CART_RESOLVED,
// PURCHASE_COMPLETED in reason.h) and after 7 days (CART_EXPIRED). The 7 days
// also serve storage limitation (GDPR Art. 5(1)(e); KVKK Art. 4(2)(d)).
#include "compliance/rules/cart.h"

namespace cartrelay::compliance::rules {

std::optional<Decision> cart(const RuleContext& ctx) {
  // Any class: a reminder about a cart that is gone is wrong whatever it is
  // classified as.
  if (!ctx.intent.cart_id.has_value()) return std::nullopt;
  // The caller reads the cart with the intent; no row means it was purged or
  // never stored, and either way there is nothing to remind about.
  if (!ctx.facts.cart_state.has_value()) {
    return Decision::deny(Reason::kCartExpired, ctx.purpose_class);
  }
  switch (*ctx.facts.cart_state) {
    case CartState::kCompleted:
      return Decision::deny(Reason::kPurchaseCompleted, ctx.purpose_class);
    case CartState::kDeleted:
      return Decision::deny(Reason::kCartExpired, ctx.purpose_class);
    case CartState::kOpen:
      break;
  }
  // Strictly more than the expiry: a cart touched exactly cart_expiry_ms ago
  // is still inside its last day. Without a recorded activity there is no
  // clock to run, and the cart is open, so it passes.
  if (ctx.facts.cart_activity_at.has_value() &&
      ctx.now - *ctx.facts.cart_activity_at > ctx.policy.cart_expiry_ms) {
    return Decision::deny(Reason::kCartExpired, ctx.purpose_class);
  }
  return std::nullopt;
}

}  // namespace cartrelay::compliance::rules
