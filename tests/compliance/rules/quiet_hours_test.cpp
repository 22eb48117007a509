// Table tests for compliance/rules/quiet_hours: sending hours in the recipient's zone, across DST
// (rule 34).
#include "compliance/rules/quiet_hours.h"

#include <chrono>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "compliance/reason.h"
#include "core/util/clock.h"
#include "core/util/time_zone.h"
#include "tests/compliance/rules/rule_table.h"

namespace cartrelay::compliance::rules::table {
namespace {

core::TimeZone load(const char* name) {
  auto zone = core::TimeZone::load(name);
  EXPECT_TRUE(zone.isOk()) << name << ": " << zone.status().toString();
  return std::move(zone).value();
}

const core::TimeZone* istanbul() {
  static const core::TimeZone zone = load("Europe/Istanbul");  // UTC+3 all year
  return &zone;
}

const core::TimeZone* berlin() {
  static const core::TimeZone zone = load("Europe/Berlin");  // CET/CEST
  return &zone;
}

// A UTC instant from its calendar fields, independent of TimeZone.
core::EpochMillis utc(int y, unsigned m, unsigned d, int hour, int minute) {
  namespace chr = std::chrono;
  const chr::sys_days date = chr::year{y} / chr::month{m} / chr::day{d};
  return chr::duration_cast<chr::milliseconds>(date.time_since_epoch()).count() +
         (hour * 60LL + minute) * 60 * 1000;
}

std::function<void(Inputs&)> at(const core::TimeZone* (*zone)(), core::EpochMillis now) {
  return [zone, now](Inputs& in) {
    in.facts.zone = zone();
    in.now = now;
  };
}

std::function<void(Inputs&)> at(const core::TimeZone* (*zone)(), core::EpochMillis now,
                                SendingHours hours) {
  return [zone, now, hours](Inputs& in) {
    in.facts.zone = zone();
    in.now = now;
    in.policy.sending_hours = hours;
  };
}

Decision deferTo(core::EpochMillis retry_at) {
  return Decision::defer(Reason::kQuietHours, retry_at, kCommercial);
}

// 12:00 in Istanbul, the default 08:00-21:00 window.
Inputs base() {
  Inputs in;
  in.facts.phone_valid = true;
  in.facts.zone = istanbul();
  in.now = utc(2026, 11, 22, 9, 0);
  return in;
}

const std::vector<Case>& istanbulCases() {
  static const std::vector<Case> table = {
      {"12:00 passes", [](Inputs&) {}, std::nullopt},
      {"08:00 exactly passes (the start is inside)", at(istanbul, utc(2026, 11, 22, 5, 0)),
       std::nullopt},
      {"07:59 defers to 08:00 the same day", at(istanbul, utc(2026, 11, 22, 4, 59)),
       deferTo(utc(2026, 11, 22, 5, 0))},
      {"20:59 passes", at(istanbul, utc(2026, 11, 22, 17, 59)), std::nullopt},
      {"21:00 exactly defers (the end is outside) to 08:00 the next day",
       at(istanbul, utc(2026, 11, 22, 18, 0)), deferTo(utc(2026, 11, 23, 5, 0))},
      {"23:30 defers to 08:00 the next day", at(istanbul, utc(2026, 11, 22, 20, 30)),
       deferTo(utc(2026, 11, 23, 5, 0))},
      {"00:30 local is still the previous day in UTC; opens at 08:00 local",
       at(istanbul, utc(2026, 11, 21, 21, 30)), deferTo(utc(2026, 11, 22, 5, 0))},
      {"Europe's spring-forward day does not move Istanbul: 07:30 -> 08:00 = 05:00Z",
       at(istanbul, utc(2026, 3, 29, 4, 30)), deferTo(utc(2026, 3, 29, 5, 0))},
      {"Europe's fall-back day does not move Istanbul: 21:00 -> 08:00 = 05:00Z",
       at(istanbul, utc(2026, 10, 25, 18, 0)), deferTo(utc(2026, 10, 26, 5, 0))},
      {"TR suggested 10:00-20:00: 09:30 defers to 10:00",
       at(istanbul, utc(2026, 11, 22, 6, 30), SendingHours{10 * 60, 20 * 60}),
       deferTo(utc(2026, 11, 22, 7, 0))},
      {"TR suggested 10:00-20:00: 19:59 passes",
       at(istanbul, utc(2026, 11, 22, 16, 59), SendingHours{10 * 60, 20 * 60}), std::nullopt},
      {"TR suggested 10:00-20:00: 20:00 defers to 10:00 the next day",
       at(istanbul, utc(2026, 11, 22, 17, 0), SendingHours{10 * 60, 20 * 60}),
       deferTo(utc(2026, 11, 23, 7, 0))},
      {"TRANSACTIONAL at 03:00 passes",
       [](Inputs& in) {
         in.now = utc(2026, 11, 22, 0, 0);
         in.purpose_class = kTransactional;
       },
       std::nullopt},
      {"TRANSACTIONAL does not even need the zone",
       [](Inputs& in) {
         in.facts.zone = nullptr;
         in.purpose_class = kTransactional;
       },
       std::nullopt},
  };
  return table;
}

const std::vector<Case>& berlinCases() {
  static const std::vector<Case> table = {
      {"winter: 08:00 CET = 07:00Z passes", at(berlin, utc(2026, 1, 15, 7, 0)), std::nullopt},
      {"winter: 07:30 CET defers to 07:00Z", at(berlin, utc(2026, 1, 15, 6, 30)),
       deferTo(utc(2026, 1, 15, 7, 0))},
      {"summer: 06:30Z is 08:30 CEST and passes", at(berlin, utc(2026, 7, 1, 6, 30)), std::nullopt},
      // Clocks go forward on 2026-03-29 at 01:00Z (02:00 CET -> 03:00 CEST).
      {"spring-forward night: 22:00 CET on the 28th -> 08:00 CEST = 06:00Z",
       at(berlin, utc(2026, 3, 28, 21, 0)), deferTo(utc(2026, 3, 29, 6, 0))},
      {"spring-forward day: 05:30Z is 07:30 CEST -> 06:00Z", at(berlin, utc(2026, 3, 29, 5, 30)),
       deferTo(utc(2026, 3, 29, 6, 0))},
      {"spring-forward day: 06:00Z is 08:00 CEST and passes", at(berlin, utc(2026, 3, 29, 6, 0)),
       std::nullopt},
      {"spring-forward day: 19:00Z is 21:00 CEST -> 06:00Z on the 30th",
       at(berlin, utc(2026, 3, 29, 19, 0)), deferTo(utc(2026, 3, 30, 6, 0))},
      {"spring-forward day, window from 02:30 (skipped): opens when the clock jumps, 01:00Z",
       at(berlin, utc(2026, 3, 29, 0, 0), SendingHours{2 * 60 + 30, 20 * 60}),
       deferTo(utc(2026, 3, 29, 1, 0))},
      // Clocks go back on 2026-10-25 at 01:00Z (03:00 CEST -> 02:00 CET).
      {"fall-back night: 23:00 CEST on the 24th -> 08:00 CET = 07:00Z",
       at(berlin, utc(2026, 10, 24, 21, 0)), deferTo(utc(2026, 10, 25, 7, 0))},
      {"fall-back day: 06:30Z is 07:30 CET (not 08:30 CEST) -> 07:00Z",
       at(berlin, utc(2026, 10, 25, 6, 30)), deferTo(utc(2026, 10, 25, 7, 0))},
      {"fall-back day: 19:59Z is 20:59 CET and passes", at(berlin, utc(2026, 10, 25, 19, 59)),
       std::nullopt},
      {"fall-back day: 20:00Z is 21:00 CET -> 07:00Z on the 26th",
       at(berlin, utc(2026, 10, 25, 20, 0)), deferTo(utc(2026, 10, 26, 7, 0))},
  };
  return table;
}

TEST(RuleQuietHours, Istanbul) { run(istanbulCases(), base, quietHours); }

TEST(RuleQuietHours, BerlinAcrossDaylightSaving) { run(berlinCases(), base, quietHours); }

// A null zone breaks GateFacts' contract: debug builds stop on the assert;
// release builds defer an hour rather than guess a zone.
TEST(RuleQuietHoursDeathTest, NullZoneAssertsInDebugAndDefersInRelease) {
  Inputs in = base();
  in.facts.zone = nullptr;
  std::optional<Decision> got;
  EXPECT_DEBUG_DEATH(got = quietHours(in.ctx()), "zone");
#ifdef NDEBUG
  EXPECT_EQ(describe(got), describe(deferTo(in.now + kUnknownZoneRetryDelayMs)));
#endif
}

}  // namespace
}  // namespace cartrelay::compliance::rules::table
