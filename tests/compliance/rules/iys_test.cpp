// Table tests for compliance/rules/iys: the İYS check, fail closed (rule 9).
#include "compliance/rules/iys.h"

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

using Iys = GateFacts::IysStatus;

constexpr core::EpochMillis kRetryAt = kNow + 5 * 60 * 1000;

// TR with İYS on; a BIREYSEL recipient whose fresh İYS status is ONAY.
Inputs base() {
  Inputs in;
  in.facts.phone_valid = true;
  in.facts.consent.status = ConsentState::Status::kOnay;
  in.facts.consent.recipient_type = RecipientType::kBireysel;
  in.facts.iys_status = Iys::kOnay;
  in.facts.iys_fresh = true;
  in.policy.jurisdiction = Jurisdiction::kTR;
  in.policy.iys_enabled = true;
  return in;
}

const std::vector<Case>& cases() {
  static const std::vector<Case> table = {
      {"fresh ONAY passes", [](Inputs&) {}, std::nullopt},
      {"fresh RET is IYS_NO_CONSENT", [](Inputs& in) { in.facts.iys_status = Iys::kRet; },
       Decision::deny(Reason::kIysNoConsent, kCommercial)},
      {"fresh not-found is IYS_NO_CONSENT",
       [](Inputs& in) { in.facts.iys_status = Iys::kNotFound; },
       Decision::deny(Reason::kIysNoConsent, kCommercial)},
      {"fresh but unknown defers five minutes",
       [](Inputs& in) { in.facts.iys_status = Iys::kUnknown; },
       Decision::defer(Reason::kIysUnavailable, kRetryAt, kCommercial)},
      {"a stale ONAY is not relied on: defer", [](Inputs& in) { in.facts.iys_fresh = false; },
       Decision::defer(Reason::kIysUnavailable, kRetryAt, kCommercial)},
      {"a stale RET defers too (it may have changed; asking again is cheap)",
       [](Inputs& in) {
         in.facts.iys_fresh = false;
         in.facts.iys_status = Iys::kRet;
       },
       Decision::defer(Reason::kIysUnavailable, kRetryAt, kCommercial)},
      {"never checked (the GateFacts default) defers",
       [](Inputs& in) {
         in.facts.iys_fresh = false;
         in.facts.iys_status = Iys::kUnknown;
       },
       Decision::defer(Reason::kIysUnavailable, kRetryAt, kCommercial)},
      {"the retry follows now",
       [](Inputs& in) {
         in.facts.iys_fresh = false;
         in.now = kNow + 1;
       },
       Decision::defer(Reason::kIysUnavailable, kRetryAt + 1, kCommercial)},
      {"TACIR: a fresh view passes whatever it says (consentTr checks it)",
       [](Inputs& in) {
         in.facts.consent.recipient_type = RecipientType::kTacir;
         in.facts.iys_status = Iys::kNotFound;
       },
       std::nullopt},
      {"TACIR: a stale view defers as well",
       [](Inputs& in) {
         in.facts.consent.recipient_type = RecipientType::kTacir;
         in.facts.iys_fresh = false;
       },
       Decision::defer(Reason::kIysUnavailable, kRetryAt, kCommercial)},
      {"İYS off: not checked",
       [](Inputs& in) {
         in.policy.iys_enabled = false;
         in.facts.iys_fresh = false;
         in.facts.iys_status = Iys::kRet;
       },
       std::nullopt},
      {"EU: not checked",
       [](Inputs& in) {
         in.policy.jurisdiction = Jurisdiction::kEU;
         in.facts.iys_status = Iys::kRet;
       },
       std::nullopt},
      {"TRANSACTIONAL: not checked",
       [](Inputs& in) {
         in.purpose_class = kTransactional;
         in.facts.iys_fresh = false;
         in.facts.iys_status = Iys::kRet;
       },
       std::nullopt},
  };
  return table;
}

TEST(RuleIys, Table) {
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.description);
    Inputs in = base();
    c.arrange(in);
    EXPECT_EQ(describe(iys(in.ctx())), describe(c.expected));
  }
}

}  // namespace
}  // namespace cartrelay::compliance::rules
