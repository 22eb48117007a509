#pragma once

#include <atomic>

#include "core/util/clock.h"

namespace cartrelay::testing {

// A Clock that moves only when told to. Thread-safe.
class ManualClock final : public core::Clock {
 public:
  explicit ManualClock(core::EpochMillis start) : now_(start) {}
  core::EpochMillis nowMillis() const override { return now_.load(); }
  void set(core::EpochMillis t) { now_.store(t); }
  void advance(core::EpochMillis delta_ms) { now_.fetch_add(delta_ms); }

 private:
  std::atomic<core::EpochMillis> now_;
};

}  // namespace cartrelay::testing
