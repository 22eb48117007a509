#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "core/util/clock.h"

namespace cartrelay::core::polling {

// A uniform random number in [0, 1). Injected so tests are deterministic.
using RandomSource = std::function<double()>;

// The default source: a Mersenne Twister seeded from std::random_device,
// guarded by a mutex (safe to share between threads).
RandomSource defaultRandomSource();

// Waits up to `ms` milliseconds. Returns false when the wait ended early
// because the caller is shutting down: the caller should give up at once.
// Production waits on a condition variable; tests record the request and
// return immediately (or advance a ManualClock), so no test sleeps.
using WaitFn = std::function<bool(std::int64_t ms)>;

struct BackoffPolicy {
  std::int64_t initial_ms = 1'000;  // ceiling of the first retry's delay
  std::int64_t max_ms = 300'000;    // ceiling never exceeds this
  double multiplier = 2.0;          // ceiling growth per consecutive failure
  // A server's Retry-After is honoured up to this long; a bigger value (or a
  // date far ahead) is clamped so one bad header cannot park a poller.
  std::int64_t max_retry_after_ms = 3'600'000;
};

// Exponential backoff with "full jitter": after the n-th consecutive failure
// the delay is uniform in [0, min(max_ms, initial_ms * multiplier^(n-1))], so
// many pollers that failed together do not retry together. A Retry-After
// from the server is a lower bound on the delay.
//
// Thread-safety: not thread-safe; one per retrying loop.
class Backoff {
 public:
  Backoff(BackoffPolicy policy, RandomSource random);
  Backoff(const Backoff&) = delete;
  Backoff& operator=(const Backoff&) = delete;

  // Records one more failure and returns how long to wait before the next
  // attempt, in ms. `retry_after_ms` is the server's request (already parsed),
  // honoured up to policy.max_retry_after_ms.
  std::int64_t nextDelayMs(std::optional<std::int64_t> retry_after_ms = std::nullopt);

  // The current ceiling (what the next failure would draw below), in ms.
  std::int64_t ceilingMs() const;

  // A success: the next failure starts from initial_ms again.
  void reset() { failures_ = 0; }

  int failures() const { return failures_; }

 private:
  BackoffPolicy policy_;
  RandomSource random_;
  int failures_ = 0;
};

// Parses an HTTP Retry-After value into milliseconds from `now`: delay-seconds
// ("120"; fractional seconds such as "2.5" are accepted, as Shopify's client
// libraries do) or an IMF-fixdate ("Wed, 21 Oct 2015 07:28:00 GMT"). A date in
// the past gives 0. std::nullopt for anything else.
std::optional<std::int64_t> parseRetryAfterMs(std::string_view value, EpochMillis now);

}  // namespace cartrelay::core::polling
