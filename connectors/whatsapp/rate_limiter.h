#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/util/clock.h"

// Send pacing for the WhatsApp Cloud API (shared/reference/whatsapp-cloud-api.md
// §3): the per-number throughput limit (80 mps by default; 130429 when
// exceeded; counted as Meta receives the requests), the per-recipient pair
// rate (1 message per 6 s; 131056) and the portfolio's daily limit on unique
// recipients reached outside a customer-service window (moving 24 h).
//
// Common contract:
// - Time is passed in as UTC epoch milliseconds (core::EpochMillis, normally
//   from a core::Clock), so nothing here sleeps or reads a clock.
// - tryX() either admits (records the admission and returns 0) or returns a
//   wait hint in ms (> 0) and records nothing. The hint is exact: called
//   again at now + hint with no admissions in between, the call admits
//   (InFlightWindowLimiter: unless requests in flight alone fill the limit).
// - Times should not go backwards. If they do (the wall clock was stepped
//   back) the limiters stay safe: they admit later rather than sooner, and
//   InFlightWindowLimiter re-bases its history after a step back of more
//   than its window, so it never stalls.
// - Each class is thread-safe (one mutex per object, held only for the
//   in-memory bookkeeping) and neither copyable nor movable.
// - Recipient keys are opaque strings compared byte-wise. Pass the E.164
//   number or, better, its keyed hash, so these maps hold no raw phones.
namespace cartrelay::whatsapp {

// At most `limit` requests in any `window_ms` interval as the receiver
// sees them, whatever the delays on the way: no closed interval
// [t, t + window_ms] of arrival times ever holds more than `limit`.
//
// A request reaches the receiver after it was admitted and before its
// answer came back, so the limiter counts a request from its admission
// (tryAcquire) until `window_ms` after its completion (complete()), and
// admits only while fewer than `limit` are counted: then for any `limit` + 1
// requests, the last was admitted more than `window_ms` after one of the
// others completed, and so arrived more than `window_ms` after it. Counting
// admissions alone (a sliding window of admission times) is not enough: a
// request slowed on its way lands in the same receiver window as the
// `limit`-th one after it. The price is the round trip: a request holds its
// place in the window for its latency plus `window_ms`.
//
// Each admission must be followed by exactly one complete() (the request
// went out: its answer arrived, or it failed in a way that may have reached
// the receiver) or cancel() (it never left). Memory: at most `limit`
// completion times.
class InFlightWindowLimiter {
 public:
  // `limit` is clamped to [1, 1,000,000] and `window_ms` to at least 1; the
  // config loader is expected to have validated both already.
  InFlightWindowLimiter(int limit, std::int64_t window_ms);
  InFlightWindowLimiter(const InFlightWindowLimiter&) = delete;
  InFlightWindowLimiter& operator=(const InFlightWindowLimiter&) = delete;
  InFlightWindowLimiter(InFlightWindowLimiter&&) = delete;
  InFlightWindowLimiter& operator=(InFlightWindowLimiter&&) = delete;
  ~InFlightWindowLimiter() = default;

  // Admits (returns 0; the request is now in flight), or returns how many
  // ms to wait, nothing recorded. The hint is exact as long as no request
  // is admitted in between (completions and cancellations never make it
  // later); when the requests in flight alone fill the limit it is
  // `window_ms`, and the caller should rather try again after a complete().
  std::int64_t tryAcquire(core::EpochMillis now);

  // An admitted request finished at `now`: it counts for `window_ms` more.
  void complete(core::EpochMillis now);
  // An admitted request was never sent: it stops counting at once.
  void cancel();

  // Admitted requests not yet completed or cancelled.
  int inFlight() const;

 private:
  void expireLocked(core::EpochMillis now);

  mutable std::mutex mu_;
  const std::size_t limit_;
  const std::int64_t window_ms_;
  int in_flight_ = 0;
  std::deque<core::EpochMillis> done_;  // completion times still counted, oldest first
};

// Per recipient: one message per `interval_ms` (Meta's pair rate, 6 s). The
// first message to a recipient is always admitted. Memory stays bounded by
// the recipients admitted within the last interval (plus penalised ones until
// their penalty ends): entries whose wait has expired are forgotten, in
// sweeps whose cost is amortised over the calls.
class PairLimiter {
 public:
  // `interval_ms` is clamped to at least 1.
  explicit PairLimiter(std::int64_t interval_ms = 6000);
  PairLimiter(const PairLimiter&) = delete;
  PairLimiter& operator=(const PairLimiter&) = delete;
  PairLimiter(PairLimiter&&) = delete;
  PairLimiter& operator=(PairLimiter&&) = delete;
  ~PairLimiter() = default;

  // Admits (0) when the recipient's previous admission is at least
  // `interval_ms` old and no penalty is running, else returns the ms left.
  std::int64_t tryAcquire(std::string_view recipient_key, core::EpochMillis now);

  // After a 131056 for this recipient: nothing is admitted for it before
  // `until` (epoch ms). Never shortens an existing wait.
  void penalise(std::string_view recipient_key, core::EpochMillis until);

  // Recipients currently remembered (for tests and metrics).
  std::size_t trackedRecipients() const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // Drops entries whose wait has ended; amortised O(1) per call.
  void sweepLocked(core::EpochMillis now);

  mutable std::mutex mu_;
  const std::int64_t interval_ms_;
  // recipient -> earliest time of its next admission
  std::unordered_map<std::string, core::EpochMillis, Hash, std::equal_to<>> next_;
  std::size_t sweep_at_;
};

// Meta's messaging limit: at most `limit` unique recipients reached outside a
// customer-service window in any moving 24 h. A recipient counts from its most
// recent counted message until 24 h later; messaging it again in that time is
// free and extends its 24 h. Messages inside a service window are free and not
// counted. Memory: one entry per counted recipient in the last 24 h.
class DailyRecipientLimit {
 public:
  static constexpr std::int64_t kWindowMs = 24LL * 60 * 60 * 1000;

  // `limit` <= 0 means unlimited (Meta's top tier): every call admits and
  // nothing is stored. `already_reached` seeds the window from the outbox at
  // start-up: (recipient key, time of a counted send); several times for one
  // key keep the latest; ones older than 24 h are dropped by the first counted call.
  DailyRecipientLimit(int limit,
                      std::vector<std::pair<std::string, core::EpochMillis>> already_reached);
  DailyRecipientLimit(const DailyRecipientLimit&) = delete;
  DailyRecipientLimit& operator=(const DailyRecipientLimit&) = delete;
  DailyRecipientLimit(DailyRecipientLimit&&) = delete;
  DailyRecipientLimit& operator=(DailyRecipientLimit&&) = delete;
  ~DailyRecipientLimit() = default;

  // 0 = admitted: `in_service_window` (not counted), or a recipient already
  // counted in the window (its time moves to `now`), or a free slot (now
  // counted). Otherwise the ms until the oldest counted recipient leaves the
  // window; nothing is recorded.
  std::int64_t tryAdmit(std::string_view recipient_key, core::EpochMillis now,
                        bool in_service_window);

  // Recipients counted in the window as of the last call (for tests and metrics).
  std::size_t countedRecipients() const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  void expireLocked(core::EpochMillis now);

  mutable std::mutex mu_;
  const std::size_t limit_;  // 0 = unlimited
  std::unordered_map<std::string, core::EpochMillis, Hash, std::equal_to<>> last_;
  std::set<std::pair<core::EpochMillis, std::string>> by_time_;  // same entries, oldest first
};

}  // namespace cartrelay::whatsapp
