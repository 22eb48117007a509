// Source: compliance-rules.md rule 35 (PRACTICE): at most 1 COMMERCIAL message
// per recipient per 24 h and 3 per rolling 7 days, configurable;
// DEFER(FREQUENCY_CAP).
#include "compliance/rules/frequency_cap.h"

#include <algorithm>
#include <cstddef>
#include <functional>
#include <vector>

namespace cartrelay::compliance::rules {
namespace {

constexpr core::EpochMillis kDayMs = 24LL * 60 * 60 * 1000;
constexpr core::EpochMillis kWeekMs = 7 * kDayMs;

// When the window ending at `now` holds `cap` or more sends, when it will hold
// fewer: once the cap-th most recent send has left it (plus the 1 ms margin).
std::optional<core::EpochMillis> fullWindowRetry(const std::vector<core::EpochMillis>& sends,
                                                 core::EpochMillis now, core::EpochMillis window,
                                                 int cap) {
  // Open at the start, so a send exactly `window` ago has left. No upper
  // bound: a send stamped after `now` (the clock stepped back since) still
  // happened, and ignoring it would let an extra message through.
  std::vector<core::EpochMillis> inside;
  for (const core::EpochMillis sent : sends) {
    if (sent > now - window) inside.push_back(sent);
  }
  const auto k = static_cast<std::size_t>(cap);
  if (inside.size() < k) return std::nullopt;
  std::nth_element(inside.begin(), inside.begin() + static_cast<std::ptrdiff_t>(k - 1),
                   inside.end(), std::greater<>());
  // The window is open at its start, so the send has already left it at
  // sent + window; the extra millisecond is a deliberate margin so that a
  // retry never lands on the boundary itself, whichever way a later reader of
  // the window treats it. It delays a send by 1 ms at most.
  return inside[k - 1] + window + 1;
}

}  // namespace

std::optional<Decision> frequencyCap(const RuleContext& ctx) {
  if (ctx.purpose_class != PurposeClass::kCommercial) return std::nullopt;
  const FrequencyCaps& caps = ctx.policy.caps;
  // A cap of 0 allows nothing, ever: waiting would not help, so DENY. A
  // negative cap is a config error, read the strict way.
  if (caps.per_day <= 0 || caps.per_week <= 0) {
    return Decision::deny(Reason::kFrequencyCap, ctx.purpose_class);
  }
  const auto& sends = ctx.facts.commercial_sends;
  const std::optional<core::EpochMillis> day =
      fullWindowRetry(sends, ctx.now, kDayMs, caps.per_day);
  const std::optional<core::EpochMillis> week =
      fullWindowRetry(sends, ctx.now, kWeekMs, caps.per_week);
  if (!day && !week) return std::nullopt;
  // Both windows must have room before a send can go, so the later of the two.
  const core::EpochMillis retry_at = day && week ? std::max(*day, *week) : day ? *day : *week;
  return Decision::defer(Reason::kFrequencyCap, retry_at, ctx.purpose_class);
}

}  // namespace cartrelay::compliance::rules
