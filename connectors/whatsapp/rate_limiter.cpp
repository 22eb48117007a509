#include "connectors/whatsapp/rate_limiter.h"

#include <algorithm>
#include <iterator>

namespace cartrelay::whatsapp {

namespace {

// A bigger `limit` than any Meta throughput tier (1,000 mps) by far; the cap
// only keeps a typo in the config from allocating gigabytes.
constexpr int kMaxWindowLimit = 1'000'000;
// PairLimiter sweeps no earlier than this many entries, so small maps are
// never swept on every call.
constexpr std::size_t kMinSweepSize = 1024;

}  // namespace

InFlightWindowLimiter::InFlightWindowLimiter(int limit, std::int64_t window_ms)
    : limit_(static_cast<std::size_t>(std::clamp(limit, 1, kMaxWindowLimit))),
      window_ms_(std::max<std::int64_t>(1, window_ms)) {}

void InFlightWindowLimiter::expireLocked(core::EpochMillis now) {
  // A step back of the clock would make the completions look like they lie
  // in the future and hold everything up until the clock caught up; shifting
  // them keeps their gaps, which is all the window depends on. Only a step
  // of more than the window counts: a sender thread that read the clock a
  // moment after the caller may complete "later" than the caller's now, and
  // shifting for that would admit early.
  if (!done_.empty() && done_.back() > now + window_ms_) {
    const std::int64_t shift = done_.back() - now;
    for (core::EpochMillis& t : done_) t -= shift;
  }
  // ">" rather than ">=": a completion exactly window_ms ago still counts, so
  // even a closed [t, t + window] interval holds at most `limit`.
  while (!done_.empty() && now - done_.front() > window_ms_) done_.pop_front();
}

std::int64_t InFlightWindowLimiter::tryAcquire(core::EpochMillis now) {
  const std::lock_guard<std::mutex> lock(mu_);
  expireLocked(now);
  const std::size_t counted = static_cast<std::size_t>(in_flight_) + done_.size();
  if (counted < limit_) {
    ++in_flight_;
    return 0;
  }
  // This many of the completed ones must leave the window first; later
  // completions queue behind them, so the answer holds until an admission.
  const std::size_t leave = counted - limit_ + 1;
  if (leave > done_.size()) return window_ms_;
  return done_[leave - 1] + window_ms_ + 1 - now;
}

void InFlightWindowLimiter::complete(core::EpochMillis now) {
  const std::lock_guard<std::mutex> lock(mu_);
  if (in_flight_ == 0) return;
  --in_flight_;
  // Threads complete in any order; keep the times sorted.
  done_.insert(std::upper_bound(done_.begin(), done_.end(), now), now);
}

void InFlightWindowLimiter::cancel() {
  const std::lock_guard<std::mutex> lock(mu_);
  if (in_flight_ > 0) --in_flight_;
}

int InFlightWindowLimiter::inFlight() const {
  const std::lock_guard<std::mutex> lock(mu_);
  return in_flight_;
}

PairLimiter::PairLimiter(std::int64_t interval_ms)
    : interval_ms_(std::max<std::int64_t>(1, interval_ms)), sweep_at_(kMinSweepSize) {}

void PairLimiter::sweepLocked(core::EpochMillis now) {
  if (next_.size() < sweep_at_) return;
  // An entry whose wait has ended constrains nothing: forgetting it is
  // equivalent to keeping it. Sweeping only when the map has doubled since
  // the last sweep makes the cost O(1) per call on average.
  std::erase_if(next_, [now](const auto& entry) { return entry.second <= now; });
  sweep_at_ = std::max(kMinSweepSize, 2 * next_.size());
}

std::int64_t PairLimiter::tryAcquire(std::string_view recipient_key, core::EpochMillis now) {
  const std::lock_guard<std::mutex> lock(mu_);
  if (const auto it = next_.find(recipient_key); it != next_.end()) {
    if (it->second > now) return it->second - now;
    it->second = now + interval_ms_;
    return 0;
  }
  sweepLocked(now);
  next_.emplace(std::string(recipient_key), now + interval_ms_);
  return 0;
}

void PairLimiter::penalise(std::string_view recipient_key, core::EpochMillis until) {
  const std::lock_guard<std::mutex> lock(mu_);
  if (const auto it = next_.find(recipient_key); it != next_.end()) {
    it->second = std::max(it->second, until);
    return;
  }
  next_.emplace(std::string(recipient_key), until);
}

std::size_t PairLimiter::trackedRecipients() const {
  const std::lock_guard<std::mutex> lock(mu_);
  return next_.size();
}

DailyRecipientLimit::DailyRecipientLimit(
    int limit, std::vector<std::pair<std::string, core::EpochMillis>> already_reached)
    : limit_(limit > 0 ? static_cast<std::size_t>(limit) : 0) {
  if (limit_ == 0) return;
  for (auto& [key, time] : already_reached) {
    if (const auto it = last_.find(key); it != last_.end()) {
      if (time <= it->second) continue;
      by_time_.erase({it->second, it->first});
      it->second = time;
      by_time_.emplace(time, it->first);
      continue;
    }
    by_time_.emplace(time, key);
    last_.emplace(std::move(key), time);
  }
}

void DailyRecipientLimit::expireLocked(core::EpochMillis now) {
  // Meta counts a recipient for a moving 24 h after it was reached
  // (reference §3 "Messaging limits"); at exactly 24 h the slot is free.
  while (!by_time_.empty() && by_time_.begin()->first + kWindowMs <= now) {
    last_.erase(by_time_.begin()->second);
    by_time_.erase(by_time_.begin());
  }
}

std::int64_t DailyRecipientLimit::tryAdmit(std::string_view recipient_key, core::EpochMillis now,
                                           bool in_service_window) {
  // Messages inside a customer-service window do not count toward the limit.
  if (limit_ == 0 || in_service_window) return 0;
  const std::lock_guard<std::mutex> lock(mu_);
  expireLocked(now);
  if (const auto it = last_.find(recipient_key); it != last_.end()) {
    // Reaching the same user again costs no new slot, but keeps it counted
    // for 24 h from this message.
    if (now > it->second) {
      by_time_.erase({it->second, it->first});
      it->second = now;
      by_time_.emplace(now, it->first);
    }
    return 0;
  }
  if (last_.size() < limit_) {
    last_.emplace(std::string(recipient_key), now);
    by_time_.emplace(now, std::string(recipient_key));
    return 0;
  }
  // A seed larger than the limit can leave more than one slot to free; the
  // hint is when enough of them have left for this call to succeed.
  auto freeing = by_time_.begin();
  std::advance(freeing, static_cast<std::ptrdiff_t>(last_.size() - limit_));
  return freeing->first + kWindowMs - now;
}

std::size_t DailyRecipientLimit::countedRecipients() const {
  const std::lock_guard<std::mutex> lock(mu_);
  return last_.size();
}

}  // namespace cartrelay::whatsapp
