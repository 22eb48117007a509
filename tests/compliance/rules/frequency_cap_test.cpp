// Table tests for compliance/rules/frequency_cap: the rolling 24 h and 7 day caps (rule 35).
#include "compliance/rules/frequency_cap.h"

#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "compliance/reason.h"
#include "core/util/clock.h"
#include "tests/compliance/rules/rule_table.h"

namespace cartrelay::compliance::rules::table {
namespace {

constexpr core::EpochMillis kHour = 60LL * 60 * 1000;
constexpr core::EpochMillis kDay = 24 * kHour;

Decision deferTo(core::EpochMillis retry_at) {
  return Decision::defer(Reason::kFrequencyCap, retry_at, kCommercial);
}

std::function<void(Inputs&)> sends(std::vector<core::EpochMillis> times, int per_day = 1,
                                   int per_week = 3) {
  return [times = std::move(times), per_day, per_week](Inputs& in) {
    in.facts.commercial_sends = times;
    in.policy.caps = FrequencyCaps{per_day, per_week};
  };
}

// Default caps: 1 a day, 3 a week; nothing sent yet.
Inputs base() {
  Inputs in;
  in.facts.phone_valid = true;
  return in;
}

const std::vector<Case>& cases() {
  static const std::vector<Case> table = {
      {"nothing sent passes", [](Inputs&) {}, std::nullopt},
      // The 24 h window (now - 24 h, now].
      {"a send exactly 24 h ago has left the day window", sends({kNow - kDay}), std::nullopt},
      {"a send 24 h - 1 ms ago is inside: retry when it leaves, + 1 ms", sends({kNow - kDay + 1}),
       deferTo(kNow + 2)},
      {"a send an hour ago defers to 23 h from now + 1 ms", sends({kNow - kHour}),
       deferTo(kNow - kHour + kDay + 1)},
      {"a send at exactly now counts", sends({kNow}), deferTo(kNow + kDay + 1)},
      {"a send stamped 1 ms after now counts too", sends({kNow + 1}), deferTo(kNow + kDay + 2)},
      {"2 a day: one send passes", sends({kNow - kHour}, 2), std::nullopt},
      {"2 a day: two sends, retry when the older leaves",
       sends({kNow - kHour, kNow - 3 * kHour}, 2), deferTo(kNow - 3 * kHour + kDay + 1)},
      {"2 a day: three sends, the 2nd most recent decides, in any input order",
       sends({kNow - 5 * kHour, kNow - kHour, kNow - 3 * kHour}, 2, 10),
       deferTo(kNow - 3 * kHour + kDay + 1)},
      // The 7 day window (now - 7 d, now].
      {"3 a week: two sends this week pass", sends({kNow - 2 * kDay, kNow - 3 * kDay}),
       std::nullopt},
      {"3 a week: three sends this week, retry when the oldest leaves",
       sends({kNow - 2 * kDay, kNow - 3 * kDay, kNow - 4 * kDay}),
       deferTo(kNow - 4 * kDay + 7 * kDay + 1)},
      {"a send exactly 7 d ago has left the week window",
       sends({kNow - 2 * kDay, kNow - 3 * kDay, kNow - 7 * kDay}), std::nullopt},
      {"a send 7 d - 1 ms ago is inside the week window",
       sends({kNow - 2 * kDay, kNow - 3 * kDay, kNow - 7 * kDay + 1}), deferTo(kNow + 2)},
      {"sends older than a week are ignored",
       sends({kNow - 8 * kDay, kNow - 9 * kDay, kNow - 10 * kDay, kNow - 30 * kDay}), std::nullopt},
      // Both windows full: the later retry.
      {"both full, the week's retry is later",
       sends({kNow - kHour, kNow - 2 * kDay, kNow - 3 * kDay}),
       deferTo(kNow - 3 * kDay + 7 * kDay + 1)},
      {"both full, the day's retry is later",
       sends({kNow - kHour, kNow - 2 * kDay, kNow - 7 * kDay + 2}),
       deferTo(kNow - kHour + kDay + 1)},
      // Caps of 0.
      {"0 a day denies, even with nothing sent", sends({}, 0, 3),
       Decision::deny(Reason::kFrequencyCap, kCommercial)},
      {"0 a week denies", sends({}, 1, 0), Decision::deny(Reason::kFrequencyCap, kCommercial)},
      {"a negative cap is read as 0", sends({}, -1, 3),
       Decision::deny(Reason::kFrequencyCap, kCommercial)},
      {"TRANSACTIONAL is not capped",
       [](Inputs& in) {
         in.facts.commercial_sends = {kNow - kHour, kNow - 2 * kHour, kNow - 3 * kHour};
         in.policy.caps = FrequencyCaps{0, 0};
         in.purpose_class = kTransactional;
       },
       std::nullopt},
  };
  return table;
}

TEST(RuleFrequencyCap, Table) { run(cases(), base, frequencyCap); }

// retry_at is worth asking at: the same sends pass then, and still defer
// just before (the cap-th send is still in its window at retry_at - 2).
TEST(RuleFrequencyCap, RetryAtIsWhenTheWindowHasRoom) {
  for (const Case& c : cases()) {
    Inputs in = base();
    c.arrange(in);
    const std::optional<Decision> first = frequencyCap(in.ctx());
    if (!first.has_value() || first->outcome != Outcome::kDefer) continue;
    SCOPED_TRACE(c.description);
    in.now = first->retry_at;
    EXPECT_EQ(describe(frequencyCap(in.ctx())), "pass");
    in.now = first->retry_at - 2;
    const std::optional<Decision> before = frequencyCap(in.ctx());
    ASSERT_TRUE(before.has_value());
    EXPECT_EQ(before->outcome, Outcome::kDefer);
  }
}

}  // namespace
}  // namespace cartrelay::compliance::rules::table
