#include "compliance/quiet_hours.h"

#include <gtest/gtest.h>

namespace cartrelay::compliance {
namespace {

using core::EpochMillis;
using core::TimeZone;

TimeZone zone(const char* name) {
  auto z = TimeZone::load(name);
  EXPECT_TRUE(z.isOk()) << z.status().toString();
  return std::move(z).value();
}

struct Case {
  const char* zone;
  EpochMillis now;       // UTC
  EpochMillis expected;  // UTC
  const char* why;
};

// Table: the default 08:00-21:00 window.
TEST(QuietHours, DefersToTheFirstAllowedMinuteInTheRecipientsZone) {
  const Case cases[] = {
      // Istanbul is UTC+3 all year.
      {"Europe/Istanbul", 1795372215000LL, 1795410000000LL,
       "21:30 Sunday -> 08:00 Monday (05:00Z)"},
      {"Europe/Istanbul", 1795409940000LL, 1795410000000LL, "07:59 -> 08:00 the same day"},
      {"Europe/Istanbul", 1795410000000LL, 1795410000000LL, "08:00 is allowed"},
      {"Europe/Istanbul", 1795348800000LL, 1795348800000LL, "15:00 is allowed as is"},
      {"Europe/Istanbul", 1795370400000LL, 1795410000000LL, "21:00 is already closed"},
      // Berlin, the night the clocks go forward (2026-03-29, 01:00Z): at
      // 22:00 CET on the 28th the window opens at 08:00 CEST = 06:00Z.
      {"Europe/Berlin", 1774731600000LL, 1774764000000LL, "across the spring-forward night"},
      // ...and back (2026-10-25): 23:00 CEST on the 24th -> 08:00 CET = 07:00Z.
      {"Europe/Berlin", 1792875600000LL, 1792911600000LL, "across the fall-back night"},
      // Sydney 2026-10-03 22:00 AEST -> 08:00 AEDT on the 4th (clocks went
      // forward at 02:00 in between).
      {"Australia/Sydney", 1791028800000LL, 1791061200000LL, "southern hemisphere DST start"},
  };
  for (const Case& c : cases) {
    const TimeZone z = zone(c.zone);
    EXPECT_EQ(nextSendingTime(c.now, z, SendingHours{}), c.expected) << c.why;
    EXPECT_EQ(withinSendingHours(c.now, z, SendingHours{}), c.now == c.expected) << c.why;
  }
}

TEST(QuietHours, WindowsAcrossMidnight) {
  const TimeZone istanbul = zone("Europe/Istanbul");
  const SendingHours night{22 * 60, 6 * 60};  // 22:00-06:00
  // 23:30 local (20:30Z) and 05:00 local (02:00Z) are inside.
  EXPECT_TRUE(withinSendingHours(1795379400000LL, istanbul, night));
  EXPECT_TRUE(withinSendingHours(1795399200000LL, istanbul, night));
  // 12:00 local on 2026-11-22 (09:00Z) opens at 22:00 local the same day (19:00Z).
  EXPECT_EQ(nextSendingTime(1795338000000LL, istanbul, night), 1795374000000LL);
  // 06:00 local (03:00Z on the 23rd) is closed until 22:00 that day.
  EXPECT_EQ(nextSendingTime(1795402800000LL, istanbul, night), 1795460400000LL);
}

TEST(QuietHours, AStartTimeSkippedByTheClockOpensAfterTheGap) {
  const TimeZone berlin = zone("Europe/Berlin");
  const SendingHours from_half_past_two{2 * 60 + 30, 20 * 60};
  // 01:00 CET on 2026-03-29 (00:00Z): 02:30 never happens that night; the
  // window opens when the clock jumps to 03:00 CEST, 01:00Z.
  EXPECT_EQ(nextSendingTime(1774742400000LL, berlin, from_half_past_two), 1774746000000LL);
}

}  // namespace
}  // namespace cartrelay::compliance
