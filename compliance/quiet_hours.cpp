#include "compliance/quiet_hours.h"

#include <chrono>

namespace cartrelay::compliance {
namespace {

int minuteOfDay(const core::TimeZone::Local& local) { return local.hour * 60 + local.minute; }

bool inside(int minute, SendingHours hours) {
  if (hours.start_minute <= hours.end_minute) {
    return minute >= hours.start_minute && minute < hours.end_minute;
  }
  return minute >= hours.start_minute || minute < hours.end_minute;  // across midnight
}

}  // namespace

bool withinSendingHours(core::EpochMillis now, const core::TimeZone& zone, SendingHours hours) {
  return inside(minuteOfDay(zone.localAt(now)), hours);
}

core::EpochMillis nextSendingTime(core::EpochMillis now, const core::TimeZone& zone,
                                  SendingHours hours) {
  const core::TimeZone::Local local = zone.localAt(now);
  const int minute = minuteOfDay(local);
  if (inside(minute, hours)) return now;
  // Outside the window, it opens next at start_minute: later today when we
  // are before the start, else tomorrow (a window across midnight is only
  // ever closed before its start on the same day).
  namespace chr = std::chrono;
  chr::sys_days day = chr::sys_days{chr::year{local.year} / local.month / local.day};
  if (minute >= hours.start_minute) day += chr::days{1};
  const chr::year_month_day ymd{day};
  const core::EpochMillis opens =
      zone.utcOf(static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
                 static_cast<int>(static_cast<unsigned>(ymd.day())), hours.start_minute / 60,
                 hours.start_minute % 60);
  return opens > now ? opens : now;
}

}  // namespace cartrelay::compliance
