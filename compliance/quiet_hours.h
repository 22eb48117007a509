#pragma once

#include "core/util/clock.h"
#include "core/util/time_zone.h"

namespace cartrelay::compliance {

// The daily window in which commercial messages may go out, in the
// recipient's local wall-clock time (compliance-rules.md rule 34: 08:00-21:00
// by default; outside it a send is deferred, never dropped).
//
// Minutes after local midnight, 0..1439; `end_minute` is exclusive. A window
// whose end is before its start runs across midnight (22:00-06:00).
struct SendingHours {
  int start_minute = 8 * 60;
  int end_minute = 21 * 60;
};

// True when the wall clock in `zone` at `now` is inside `hours`.
bool withinSendingHours(core::EpochMillis now, const core::TimeZone& zone, SendingHours hours);

// `now` when it is inside the window, else the first instant the window
// opens again in `zone` (DST-correct: a start time skipped by a clock change
// opens at the first instant after the gap). Pure and thread-safe.
core::EpochMillis nextSendingTime(core::EpochMillis now, const core::TimeZone& zone,
                                  SendingHours hours);

}  // namespace cartrelay::compliance
