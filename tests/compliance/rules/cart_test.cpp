// Table tests for compliance/rules/cart: the cart a message is about (rule 35).
#include "compliance/rules/cart.h"

#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "compliance/reason.h"
#include "core/util/clock.h"
#include "tests/compliance/rules/rule_table.h"

namespace cartrelay::compliance::rules::table {
namespace {

constexpr core::EpochMillis kHour = 60LL * 60 * 1000;
constexpr core::EpochMillis kWeek = 7 * 24 * kHour;

// A reminder about an open cart last touched an hour ago.
Inputs base() {
  Inputs in;
  in.intent.purpose = Purpose::kAbandonedCart;
  in.intent.cart_id = 501;
  in.facts.phone_valid = true;
  in.facts.cart_state = CartState::kOpen;
  in.facts.cart_activity_at = kNow - kHour;
  return in;
}

const std::vector<Case>& cases() {
  static const std::vector<Case> table = {
      {"an open, recent cart passes", [](Inputs&) {}, std::nullopt},
      {"no cart_id: not about a cart, whatever the facts say",
       [](Inputs& in) {
         in.intent.cart_id.reset();
         in.facts.cart_state = CartState::kCompleted;
       },
       std::nullopt},
      {"a completed cart is PURCHASE_COMPLETED",
       [](Inputs& in) { in.facts.cart_state = CartState::kCompleted; },
       Decision::deny(Reason::kPurchaseCompleted, kCommercial)},
      {"a deleted cart is CART_EXPIRED",
       [](Inputs& in) { in.facts.cart_state = CartState::kDeleted; },
       Decision::deny(Reason::kCartExpired, kCommercial)},
      {"no stored cart for the cart_id is CART_EXPIRED",
       [](Inputs& in) {
         in.facts.cart_state.reset();
         in.facts.cart_activity_at.reset();
       },
       Decision::deny(Reason::kCartExpired, kCommercial)},
      {"last activity exactly cart_expiry_ms ago still passes",
       [](Inputs& in) { in.facts.cart_activity_at = kNow - kWeek; }, std::nullopt},
      {"last activity 1 ms more than cart_expiry_ms ago is CART_EXPIRED",
       [](Inputs& in) { in.facts.cart_activity_at = kNow - kWeek - 1; },
       Decision::deny(Reason::kCartExpired, kCommercial)},
      {"a shorter expiry from the policy: at the limit passes",
       [](Inputs& in) {
         in.policy.cart_expiry_ms = 72 * kHour;
         in.facts.cart_activity_at = kNow - 72 * kHour;
       },
       std::nullopt},
      {"a shorter expiry from the policy: past it is CART_EXPIRED",
       [](Inputs& in) {
         in.policy.cart_expiry_ms = 72 * kHour;
         in.facts.cart_activity_at = kNow - 72 * kHour - 1;
       },
       Decision::deny(Reason::kCartExpired, kCommercial)},
      {"an open cart without recorded activity passes",
       [](Inputs& in) { in.facts.cart_activity_at.reset(); }, std::nullopt},
      {"a completed cart wins over an old activity time",
       [](Inputs& in) {
         in.facts.cart_state = CartState::kCompleted;
         in.facts.cart_activity_at = kNow - 2 * kWeek;
       },
       Decision::deny(Reason::kPurchaseCompleted, kCommercial)},
      {"applies to TRANSACTIONAL too",
       [](Inputs& in) {
         in.facts.cart_state = CartState::kCompleted;
         in.purpose_class = kTransactional;
       },
       Decision::deny(Reason::kPurchaseCompleted, kTransactional)},
  };
  return table;
}

TEST(RuleCart, Table) { run(cases(), base, cart); }

}  // namespace
}  // namespace cartrelay::compliance::rules::table
