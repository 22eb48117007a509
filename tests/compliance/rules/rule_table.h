#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "compliance/gate.h"
#include "compliance/purpose.h"
#include "compliance/reason.h"
#include "compliance/rules/rule.h"
#include "core/util/clock.h"

// What the table tests of compliance/rules/* share: the inputs a rule sees,
// a one-line description of its outcome, a table row and the loop that runs a
// table. Each rule test keeps its own base() and its own cases and runs them
// with run(cases, base, rule). Header-only, so the tests need no extra source.
namespace cartrelay::compliance::rules::table {

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
inline std::string describe(const std::optional<Decision>& d) {
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

// For each case: base(), then arrange, then the rule's outcome must describe
// the same as the expected one. A failure names the case.
inline void run(const std::vector<Case>& cases, const std::function<Inputs()>& base,
                RuleFunction* rule) {
  for (const Case& c : cases) {
    SCOPED_TRACE(c.description);
    Inputs in = base();
    c.arrange(in);
    EXPECT_EQ(describe(rule(in.ctx())), describe(c.expected));
  }
}

}  // namespace cartrelay::compliance::rules::table
