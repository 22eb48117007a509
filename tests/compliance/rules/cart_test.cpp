// Table tests for compliance/rules/cart: the cart a message is about (rule 35).
#include "compliance/rules/cart.h"

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "compliance/reason.h"
#include "core/util/clock.h"

namespace cartrelay::compliance::rules {
namespace {

using Outcome = Decision::Outcome;
constexpr PurposeClass kCommercial = PurposeClass::kCommercial;
constexpr PurposeClass kTransactional = PurposeClass::kTransactional;
constexpr core::EpochMillis kNow = 1'795'348'800'000;  // 2026-11-22T09:00:00Z, a Sunday

// What the rule sees; ctx() is a view of it, valid while the Inputs live.
struct Inputs {
  MessageIntent intent;
  GateFacts facts;
  GatePolicy policy;
  core::EpochMillis now = kNow;
  PurposeClass purpose_class = kCommercial;
  RuleContext ctx() const { return RuleContext{intent, facts, policy, now, purpose_class}; }
};

// One line per outcome ("pass", "DENY(NO_CONSENT) COMMERCIAL",
// "DEFER(QUIET_HOURS)@<time> COMMERCIAL"), so a failing case prints what it
// got next to what it wanted.
std::string describe(const std::optional<Decision>& d) {
  if (!d.has_value()) return "pass";
  std::string text = d->outcome == Outcome::kDeny    ? "DENY"
                     : d->outcome == Outcome::kDefer ? "DEFER"
                                                     : "ALLOW";
  text += "(" + std::string(d->reason.has_value() ? toString(*d->reason) : "") + ")";
  if (d->outcome == Outcome::kDefer) text += "@" + core::formatIso8601(d->retry_at);
  text += " " + std::string(toString(d->purpose_class));
  if (d->consent_event_id != 0) text += " consent_event_id=" + std::to_string(d->consent_event_id);
  return text;
}

struct Case {
  const char* description;
  std::function<void(Inputs&)> arrange;  // changes the base inputs
  std::optional<Decision> expected;      // std::nullopt: the rule passes
};

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

TEST(RuleCart, Table) {
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.description);
    Inputs in = base();
    c.arrange(in);
    EXPECT_EQ(describe(cart(in.ctx())), describe(c.expected));
  }
}

}  // namespace
}  // namespace cartrelay::compliance::rules
