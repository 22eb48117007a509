#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/clock.h"
#include "core/util/result.h"

namespace cartrelay::core {

// Wall-clock time in a named IANA time zone ("Europe/Istanbul"), read from
// the system's tz database (TZif files, RFC 8536, under /usr/share/zoneinfo)
// so the appliance follows `apt upgrade tzdata`. Times after a file's last
// transition follow its POSIX TZ footer ("CET-1CEST,M3.5.0,M10.5.0/3"), so
// daylight saving is right in any year.
//
// Quiet hours, birthdays and reports need this at the edges; everything else
// stays in UTC epoch milliseconds (DESIGN.md "Time").
//
// Thread-safety: immutable after load(); share freely.
class TimeZone {
 public:
  // kInvalidArgument for a name that is not a zone file below `root` (no
  // "..", no absolute paths) or a file that is not valid TZif.
  static Result<TimeZone> load(std::string_view name,
                               const std::filesystem::path& root = "/usr/share/zoneinfo");

  const std::string& name() const { return name_; }

  // The zone's offset from UTC at the instant, in seconds (Istanbul: +10800).
  std::int32_t offsetSecondsAt(EpochMillis utc) const;

  // The local wall-clock time at an instant.
  struct Local {
    int year = 1970;
    int month = 1;    // 1..12
    int day = 1;      // 1..31
    int weekday = 4;  // 0 = Sunday .. 6 = Saturday
    int hour = 0;
    int minute = 0;
    int second = 0;
  };
  Local localAt(EpochMillis utc) const;

  // The instant at which the wall clock shows the given date and time. A time
  // the clock skips (spring forward) resolves to the first instant after the
  // gap; a time it shows twice (fall back) to the earlier instant.
  EpochMillis utcOf(int year, int month, int day, int hour, int minute) const;

 private:
  // A POSIX TZ rule date: Mm.w.d, Jn or n, and the local time of the change.
  struct RuleDate {
    enum class Kind { kMonthWeekDay, kJulianNoLeap, kZeroBasedDay } kind = Kind::kMonthWeekDay;
    int month = 0, week = 0, weekday = 0, day = 0;
    std::int32_t time_seconds = 7200;  // default 02:00
  };
  struct Footer {
    bool present = false;
    std::int32_t std_offset = 0;  // seconds east of UTC
    bool has_dst = false;
    std::int32_t dst_offset = 0;
    RuleDate start, end;
  };
  struct Type {
    std::int32_t offset = 0;
    bool dst = false;
  };

  static Result<Footer> parseFooter(std::string_view tz);
  std::int32_t footerOffsetAt(EpochMillis utc) const;

  std::string name_;
  std::vector<std::int64_t> transitions_;  // UTC seconds, ascending
  std::vector<std::uint8_t> transition_types_;
  std::vector<Type> types_;
  Footer footer_;
};

}  // namespace cartrelay::core
