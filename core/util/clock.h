#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/util/result.h"

namespace cartrelay::core {

// Milliseconds since the Unix epoch, UTC. Every stored time in cartrelay uses
// this unit; a time zone applies only at the edges (quiet hours, reports).
using EpochMillis = std::int64_t;

// Clock is the only source of "now" in cartrelay, so tests and `cartrelay
// simulate` can run weeks of journeys in milliseconds with a manual clock
// (tests/support/manual_clock.h).
//
// Thread-safety: implementations must be safe to call from any thread.
class Clock {
 public:
  Clock() = default;
  Clock(const Clock&) = delete;
  Clock& operator=(const Clock&) = delete;
  virtual ~Clock() = default;

  // Wall-clock time in UTC epoch milliseconds.
  virtual EpochMillis nowMillis() const = 0;
};

// The real clock (std::chrono::system_clock).
class SystemClock final : public Clock {
 public:
  SystemClock() = default;
  EpochMillis nowMillis() const override;
};

// ISO 8601 UTC with milliseconds: "2026-11-22T15:04:05.123Z".
std::string formatIso8601(EpochMillis t);

// Parses the timestamps platforms send: "2026-11-22T15:04:05Z",
// "2004-06-13T11:57:11-04:00", "2025-07-10T16:15:47.000000Z",
// "2017-03-22T16:28:08" and "2017-03-22 16:28:08". A time without a zone is
// taken as UTC, so callers pass WooCommerce's *_gmt fields. Fractions beyond
// milliseconds are truncated. kInvalidArgument for anything else (the message
// does not quote the input).
Result<EpochMillis> parseIso8601(std::string_view text);

}  // namespace cartrelay::core
