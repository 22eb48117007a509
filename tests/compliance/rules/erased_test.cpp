// Table tests for compliance/rules/erased: ERASED for every class (rule 46).
#include "compliance/rules/erased.h"

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

Inputs base() {
  Inputs in;
  in.facts.phone_valid = true;
  return in;
}

const std::vector<Case>& cases() {
  static const std::vector<Case> table = {
      {"a subject not erased passes, COMMERCIAL", [](Inputs&) {}, std::nullopt},
      {"a subject not erased passes, TRANSACTIONAL",
       [](Inputs& in) { in.purpose_class = kTransactional; }, std::nullopt},
      {"an erased subject is denied, COMMERCIAL", [](Inputs& in) { in.facts.erased = true; },
       Decision::deny(Reason::kErased, kCommercial)},
      {"an erased subject is denied, TRANSACTIONAL too",
       [](Inputs& in) {
         in.facts.erased = true;
         in.purpose_class = kTransactional;
       },
       Decision::deny(Reason::kErased, kTransactional)},
      {"an ONAY left on record after erasure does not help",
       [](Inputs& in) {
         in.facts.erased = true;
         in.facts.consent.status = ConsentState::Status::kOnay;
         in.facts.consent.event_id = 9;
       },
       Decision::deny(Reason::kErased, kCommercial)},
  };
  return table;
}

TEST(RuleErased, Table) {
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.description);
    Inputs in = base();
    c.arrange(in);
    EXPECT_EQ(describe(erased(in.ctx())), describe(c.expected));
  }
}

}  // namespace
}  // namespace cartrelay::compliance::rules
