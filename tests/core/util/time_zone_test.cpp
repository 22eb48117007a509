#include "core/util/time_zone.h"

#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"

namespace cartrelay::core {
namespace {

constexpr EpochMillis kSecond = 1000;

TimeZone zone(const std::string& name) {
  auto z = TimeZone::load(name);
  EXPECT_TRUE(z.isOk()) << name << ": " << z.status().toString();
  return std::move(z).value();
}

struct Change {
  const char* zone;
  std::int64_t at_utc_seconds;  // first second of the new offset
  std::int32_t before;
  std::int32_t after;
};

// Transitions as Python's zoneinfo reports them (an independent reader of
// the same tz database). 2040, 2090 and 2100 lie beyond the zone files'
// explicit transitions, so they exercise the POSIX rule footer.
TEST(TimeZone, OffsetsChangeAtTheRightSecond) {
  const Change changes[] = {
      {"Europe/Berlin", 1774746000, 3600, 7200},         // 2026-03-29 01:00Z
      {"Europe/Berlin", 1792890000, 7200, 3600},         // 2026-10-25 01:00Z
      {"Europe/Berlin", 2216250000, 3600, 7200},         // 2040-03-25
      {"Europe/Berlin", 2234998800, 7200, 3600},         // 2040-10-28
      {"Europe/Berlin", 4109878800, 3600, 7200},         // 2100-03-28
      {"Europe/Berlin", 4128627600, 7200, 3600},         // 2100-10-31
      {"America/New_York", 1772953200, -18000, -14400},  // 2026-03-08 07:00Z
      {"America/New_York", 1793512800, -14400, -18000},  // 2026-11-01 06:00Z
      {"Australia/Sydney", 1775318400, 39600, 36000},    // 2026-04-04 16:00Z
      {"Australia/Sydney", 1791043200, 36000, 39600},    // 2026-10-03 16:00Z
      {"Australia/Sydney", 3794745600, 39600, 36000},    // 2090-04-01
      {"Australia/Sydney", 3810470400, 36000, 39600},    // 2090-09-30
  };
  for (const Change& c : changes) {
    const TimeZone z = zone(c.zone);
    EXPECT_EQ(z.offsetSecondsAt((c.at_utc_seconds - 1) * kSecond), c.before)
        << c.zone << " just before " << c.at_utc_seconds;
    EXPECT_EQ(z.offsetSecondsAt(c.at_utc_seconds * kSecond), c.after)
        << c.zone << " at " << c.at_utc_seconds;
  }
}

TEST(TimeZone, IstanbulIsUtcPlusThreeAllYear) {
  const TimeZone z = zone("Europe/Istanbul");
  for (EpochMillis t :
       {1767225600000LL, 1782864000000LL, 4102444800000LL}) {  // 2026-01, 2026-07, 2100
    EXPECT_EQ(z.offsetSecondsAt(t), 3 * 3600);
  }
  // 2026-11-22 18:30:15Z is 21:30:15 on a Sunday in Istanbul.
  const TimeZone::Local local = z.localAt(1795372215000LL);
  EXPECT_EQ(local.year, 2026);
  EXPECT_EQ(local.month, 11);
  EXPECT_EQ(local.day, 22);
  EXPECT_EQ(local.weekday, 0);
  EXPECT_EQ(local.hour, 21);
  EXPECT_EQ(local.minute, 30);
  EXPECT_EQ(local.second, 15);
  EXPECT_EQ(z.utcOf(2026, 11, 23, 8, 0), 1795410000000LL);  // 05:00Z
}

TEST(TimeZone, WallTimesInGapsAndOverlapsResolveAsDocumented) {
  const TimeZone berlin = zone("Europe/Berlin");
  // An ordinary summer morning: 08:00 CEST = 06:00Z.
  EXPECT_EQ(berlin.utcOf(2026, 7, 1, 8, 0), 1782885600000LL);
  // 02:30 on 2026-03-29 never happens: the first instant after the gap is
  // the change itself, 01:00Z (03:00 CEST).
  EXPECT_EQ(berlin.utcOf(2026, 3, 29, 2, 30), 1774746000LL * kSecond);
  // 02:30 on 2026-10-25 happens twice: the earlier one, 00:30Z (CEST).
  EXPECT_EQ(berlin.utcOf(2026, 10, 25, 2, 30), (1792890000LL - 1800) * kSecond);
  // And the same far in the future, where only the footer rule applies.
  EXPECT_EQ(berlin.utcOf(2100, 3, 28, 2, 15), 4109878800LL * kSecond);
  // localAt and utcOf agree on every hour of a DST-change day.
  for (int hour = 0; hour < 24; ++hour) {
    if (hour == 2) continue;  // skipped on this day
    const EpochMillis t = berlin.utcOf(2026, 3, 29, hour, 0);
    const TimeZone::Local back = berlin.localAt(t);
    EXPECT_EQ(back.hour, hour);
    EXPECT_EQ(back.day, 29);
  }
}

TEST(TimeZone, RefusesUnknownNamesAndPathsOutsideTheDatabase) {
  for (const char* name : {"", "Nowhere/Atlantis", "../../etc/passwd", "/etc/localtime",
                           "Europe/../../etc/passwd", "Europe/Ist anbul", "Europe"}) {
    EXPECT_EQ(TimeZone::load(name).status().code(), Status::Code::kInvalidArgument) << name;
  }
}

// A file with no transitions at all, only the footer rule: the "slim" form
// zic writes by default.
TEST(TimeZone, FooterOnlyZoneFileFollowsItsRule) {
  testing::TempDir dir;
  std::string file;
  auto header = [&](char version, int typecnt, int charcnt) {
    file += "TZif";
    file += version;
    file += std::string(15, '\0');
    for (int count : {0, 0, 0, 0, typecnt, charcnt}) {
      file += std::string("\0\0\0", 3) + static_cast<char>(count);
    }
  };
  auto type = [&](std::int32_t offset) {
    for (int i = 3; i >= 0; --i) file += static_cast<char>((offset >> (8 * i)) & 0xff);
    file += std::string("\0\0", 2);
  };
  header('2', 1, 4);
  type(3600);
  file += std::string("CET\0", 4);
  header('2', 1, 4);
  type(3600);
  file += std::string("CET\0", 4);
  file += "\nCET-1CEST,M3.5.0,M10.5.0/3\n";
  std::ofstream(dir.file("Test_Zone"), std::ios::binary) << file;

  auto z = TimeZone::load("Test_Zone", std::filesystem::path(dir.path()));
  ASSERT_TRUE(z.isOk()) << z.status().toString();
  EXPECT_EQ(z->offsetSecondsAt((1774746000LL - 1) * kSecond), 3600);
  EXPECT_EQ(z->offsetSecondsAt(1774746000LL * kSecond), 7200);
  EXPECT_EQ(z->offsetSecondsAt(1792890000LL * kSecond), 3600);

  std::ofstream(dir.file("Not_A_Zone"), std::ios::binary) << "hello";
  EXPECT_EQ(TimeZone::load("Not_A_Zone", std::filesystem::path(dir.path())).status().code(),
            Status::Code::kInvalidArgument);
  std::ofstream(dir.file("Bad_Rule"), std::ios::binary)
      << file.substr(0, file.find('\n')) + "\nCET-1CEST,M13.5.0,M10.5.0\n";
  EXPECT_EQ(TimeZone::load("Bad_Rule", std::filesystem::path(dir.path())).status().code(),
            Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace cartrelay::core
