#include "connectors/whatsapp/rate_limiter.h"

#include <algorithm>
#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace cartrelay::whatsapp {
namespace {

using core::EpochMillis;

constexpr EpochMillis kStart = 1'780'000'000'000;  // 2026-05-28
constexpr std::int64_t kDay = DailyRecipientLimit::kWindowMs;

// The most admissions in any closed interval [t, t + window_ms]; `times`
// sorted. Counting closed intervals is the stricter reading: it also bounds
// every half-open one.
std::size_t maxInAnyWindow(const std::vector<EpochMillis>& times, std::int64_t window_ms) {
  std::size_t best = 0;
  std::size_t first = 0;
  for (std::size_t last = 0; last < times.size(); ++last) {
    while (times[last] - times[first] > window_ms) ++first;
    best = std::max(best, last - first + 1);
  }
  return best;
}

// minstd_rand's sequence is fixed by the standard, so these runs are the same
// on every platform; raw modulo avoids library-specific distributions.
std::int64_t draw(std::minstd_rand& rng, std::int64_t below) {
  return static_cast<std::int64_t>(rng() % static_cast<std::uint32_t>(below));
}

// Admits at `now` a request whose answer comes back at once.
std::int64_t instant(InFlightWindowLimiter& limiter, EpochMillis now) {
  const std::int64_t wait = limiter.tryAcquire(now);
  if (wait == 0) limiter.complete(now);
  return wait;
}

TEST(WhatsAppInFlightWindowLimiter, NeverMoreThanLimitInAnyWindow) {
  InFlightWindowLimiter limiter(80, 1000);
  std::minstd_rand rng(20260528);
  EpochMillis now = kStart;
  std::vector<EpochMillis> admitted;
  std::vector<EpochMillis> refused;
  for (int i = 0; i < 10'000; ++i) {
    // ~670 attempts/s, far above 80/s, with a quiet spell now and then.
    now += (i % 1500 == 1499) ? draw(rng, 4000) : draw(rng, 4);
    (instant(limiter, now) == 0 ? admitted : refused).push_back(now);
  }
  ASSERT_GT(admitted.size(), 1000u);
  ASSERT_GT(refused.size(), 1000u);
  EXPECT_LE(maxInAnyWindow(admitted, 1000), 80u);
  // And the limit is reached, not undershot: an attempt is refused only when
  // the window ending at it already holds 80 admissions.
  for (EpochMillis t : refused) {
    const auto from = std::lower_bound(admitted.begin(), admitted.end(), t - 1000);
    const auto to = std::upper_bound(admitted.begin(), admitted.end(), t);
    ASSERT_EQ(to - from, 80) << "refused at +" << t - kStart;
  }
}

// The receiver's view: eight senders, each request taking 0-40 ms and now
// and then 700 ms to come back, arriving at any moment in between. Counting
// admissions would let a slow request share a receiver window with the 80th
// after it; counting until the answer never does.
TEST(WhatsAppInFlightWindowLimiter, NeverMoreThanLimitAtTheReceiver) {
  InFlightWindowLimiter limiter(80, 1000);
  std::minstd_rand rng(42);
  struct Request {
    EpochMillis arrives, completes;
  };
  std::vector<Request> in_flight;
  std::vector<EpochMillis> arrivals;
  for (EpochMillis now = kStart; arrivals.size() < 5000 || !in_flight.empty(); ++now) {
    std::erase_if(in_flight, [&](const Request& r) {
      if (r.completes != now) return false;
      arrivals.push_back(r.arrives);
      limiter.complete(now);
      return true;
    });
    while (arrivals.size() + in_flight.size() < 5000 && in_flight.size() < 8 &&
           limiter.tryAcquire(now) == 0) {
      const std::int64_t latency = draw(rng, 50) == 0 ? 700 : 1 + draw(rng, 40);
      in_flight.push_back({now + draw(rng, latency + 1), now + latency});
      ASSERT_EQ(limiter.inFlight(), static_cast<int>(in_flight.size()));
    }
  }
  std::sort(arrivals.begin(), arrivals.end());
  ASSERT_EQ(arrivals.size(), 5000u);
  EXPECT_LE(maxInAnyWindow(arrivals, 1000), 80u);
  // Not far below the limit either: 5000 requests in under 5000/80 s plus
  // the round trips.
  EXPECT_LT(arrivals.back() - arrivals.front(), 5000 * 1000 / 80 * 12 / 10);
}

TEST(WhatsAppInFlightWindowLimiter, ARequestCountsUntilAWindowAfterItsAnswer) {
  InFlightWindowLimiter limiter(2, 1000);
  EXPECT_EQ(limiter.tryAcquire(kStart), 0);
  EXPECT_EQ(limiter.tryAcquire(kStart), 0);
  EXPECT_EQ(limiter.inFlight(), 2);
  // Two in flight fill the limit: only an answer can free a place.
  EXPECT_EQ(limiter.tryAcquire(kStart + 5'000), 1000);
  limiter.complete(kStart + 5'000);
  EXPECT_EQ(limiter.tryAcquire(kStart + 5'000), 1001);
  limiter.complete(kStart + 5'200);
  EXPECT_EQ(limiter.tryAcquire(kStart + 5'200), 801) << "the hint holds across completions";
  EXPECT_EQ(limiter.tryAcquire(kStart + 6'001), 0);
  EXPECT_EQ(limiter.tryAcquire(kStart + 6'001), 200);
  EXPECT_EQ(limiter.tryAcquire(kStart + 6'201), 0);
  EXPECT_EQ(limiter.inFlight(), 2);
}

TEST(WhatsAppInFlightWindowLimiter, ACancelledRequestFreesItsPlaceAtOnce) {
  InFlightWindowLimiter limiter(1, 1000);
  EXPECT_EQ(limiter.tryAcquire(kStart), 0);
  EXPECT_EQ(limiter.tryAcquire(kStart), 1000);
  limiter.cancel();
  EXPECT_EQ(limiter.inFlight(), 0);
  EXPECT_EQ(limiter.tryAcquire(kStart), 0);
  limiter.cancel();
  limiter.cancel();  // more than were admitted: ignored
  limiter.complete(kStart);
  EXPECT_EQ(limiter.inFlight(), 0);
  EXPECT_EQ(limiter.tryAcquire(kStart + 1), 0);
}

TEST(WhatsAppInFlightWindowLimiter, ConstantDemandGetsFullThroughput) {
  InFlightWindowLimiter limiter(80, 1000);
  std::vector<EpochMillis> admitted;
  for (EpochMillis t = 0; t < 10'000; ++t) {
    if (instant(limiter, kStart + t) == 0) admitted.push_back(kStart + t);
  }
  // 80 at once, then 80 more each time the window has moved on by 1001 ms.
  EXPECT_EQ(admitted.size(), 800u);
  EXPECT_EQ(maxInAnyWindow(admitted, 1000), 80u);
  EXPECT_EQ(admitted[80] - admitted[0], 1001);
}

TEST(WhatsAppInFlightWindowLimiter, WaitHintsAreExact) {
  InFlightWindowLimiter limiter(3, 1000);
  EXPECT_EQ(instant(limiter, kStart), 0);
  EXPECT_EQ(instant(limiter, kStart + 10), 0);
  EXPECT_EQ(instant(limiter, kStart + 20), 0);
  EXPECT_EQ(instant(limiter, kStart + 500), 501);
  EXPECT_EQ(instant(limiter, kStart + 500), 501);  // a refusal records nothing
  EXPECT_EQ(instant(limiter, kStart + 1000), 1);
  EXPECT_EQ(instant(limiter, kStart + 1001), 0);
  EXPECT_EQ(instant(limiter, kStart + 1001), 10);
  EXPECT_EQ(instant(limiter, kStart + 1011), 0);
}

TEST(WhatsAppInFlightWindowLimiter, FollowingHintsAdmitsAtOnce) {
  InFlightWindowLimiter limiter(80, 1000);
  std::minstd_rand rng(7);
  EpochMillis now = kStart;
  std::vector<EpochMillis> admitted;
  while (admitted.size() < 5000) {
    const std::int64_t hint = instant(limiter, now);
    if (hint == 0) {
      admitted.push_back(now);
      now += draw(rng, 30);  // demand sometimes below, usually above the limit
      continue;
    }
    ASSERT_GT(hint, 0);
    if (hint > 1) {
      ASSERT_EQ(limiter.tryAcquire(now + hint - 1), 1);
    }
    now += hint;
    ASSERT_EQ(instant(limiter, now), 0) << "hint " << hint;
    admitted.push_back(now);
  }
  EXPECT_LE(maxInAnyWindow(admitted, 1000), 80u);
}

TEST(WhatsAppInFlightWindowLimiter, ClockSteppedBackNeitherBurstsNorStalls) {
  InFlightWindowLimiter limiter(2, 1000);
  EXPECT_EQ(instant(limiter, kStart + 10'000), 0);
  EXPECT_EQ(instant(limiter, kStart + 10'500), 0);
  // The clock jumps back 5.5 s: the history moves with it, so the limiter
  // still spaces admissions as before instead of waiting 5.5 s more.
  EXPECT_EQ(instant(limiter, kStart + 5'000), 501);
  EXPECT_EQ(instant(limiter, kStart + 5'501), 0);
  // A completion a few ms after the caller's clock (another thread read it
  // later) is no step: it counts from when it says.
  InFlightWindowLimiter racing(1, 1000);
  EXPECT_EQ(racing.tryAcquire(kStart), 0);
  racing.complete(kStart + 3);
  EXPECT_EQ(racing.tryAcquire(kStart + 1), 1003);
}

TEST(WhatsAppInFlightWindowLimiter, DegenerateSettingsAreClamped) {
  InFlightWindowLimiter limiter(0, 0);  // treated as 1 per 1 ms
  EXPECT_EQ(instant(limiter, kStart), 0);
  EXPECT_EQ(instant(limiter, kStart), 2);
  EXPECT_EQ(instant(limiter, kStart + 2), 0);
}

TEST(WhatsAppInFlightWindowLimiter, ConcurrentCallersShareOneLimit) {
  InFlightWindowLimiter limiter(80, 1000);
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        if (instant(limiter, kStart) == 0) ++admitted;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(admitted.load(), 80);
  EXPECT_EQ(limiter.tryAcquire(kStart), 1001);
}

TEST(WhatsAppPairLimiter, OnePerIntervalPerRecipient) {
  PairLimiter limiter;  // Meta's 1 message / 6 s
  EXPECT_EQ(limiter.tryAcquire("+905551234567", kStart), 0);
  EXPECT_EQ(limiter.tryAcquire("+905551234567", kStart + 1000), 5000);
  EXPECT_EQ(limiter.tryAcquire("+905551234567", kStart + 5999), 1);
  EXPECT_EQ(limiter.tryAcquire("+905551234567", kStart + 6000), 0);
  EXPECT_EQ(limiter.tryAcquire("+905551234567", kStart + 6000), 6000);
}

TEST(WhatsAppPairLimiter, RecipientsAreIndependent) {
  PairLimiter limiter(6000);
  EXPECT_EQ(limiter.tryAcquire("a", kStart), 0);
  EXPECT_EQ(limiter.tryAcquire("b", kStart), 0);
  EXPECT_EQ(limiter.tryAcquire("a", kStart + 1), 5999);
  EXPECT_EQ(limiter.tryAcquire("c", kStart + 1), 0);
  EXPECT_EQ(limiter.tryAcquire("b", kStart + 3000), 3000);
}

TEST(WhatsAppPairLimiter, PenaliseAfter131056) {
  PairLimiter limiter(6000);
  EXPECT_EQ(limiter.tryAcquire("a", kStart), 0);
  limiter.penalise("a", kStart + 64'000);
  EXPECT_EQ(limiter.tryAcquire("a", kStart + 6000), 58'000);
  limiter.penalise("a", kStart + 10'000);  // never shortens a wait
  EXPECT_EQ(limiter.tryAcquire("a", kStart + 6000), 58'000);
  EXPECT_EQ(limiter.tryAcquire("a", kStart + 64'000), 0);
  EXPECT_EQ(limiter.tryAcquire("a", kStart + 64'001), 5999);

  // A recipient never seen before can be penalised too; others are unaffected.
  limiter.penalise("b", kStart + 4000);
  EXPECT_EQ(limiter.tryAcquire("b", kStart), 4000);
  EXPECT_EQ(limiter.tryAcquire("c", kStart), 0);
  EXPECT_EQ(limiter.tryAcquire("b", kStart + 4000), 0);
}

TEST(WhatsAppPairLimiter, MemoryStaysBounded) {
  PairLimiter limiter(6000);
  std::size_t peak = 0;
  for (int i = 0; i < 100'000; ++i) {
    // One new recipient per ms: 6,000 are within their interval at any time.
    ASSERT_EQ(limiter.tryAcquire("recipient-" + std::to_string(i), kStart + i), 0);
    peak = std::max(peak, limiter.trackedRecipients());
  }
  EXPECT_GE(peak, 6000u);
  EXPECT_LE(peak, 2u * 6000u + 1u);
  // Forgetting idle recipients changes no decision.
  EXPECT_EQ(limiter.tryAcquire("recipient-0", kStart + 100'000), 0);
  EXPECT_EQ(limiter.tryAcquire("recipient-99999", kStart + 100'000), 5999);
}

TEST(WhatsAppDailyRecipientLimit, CountsUniqueRecipientsOutsideServiceWindow) {
  DailyRecipientLimit limit(3, {});
  EXPECT_EQ(limit.tryAdmit("a", kStart, false), 0);
  EXPECT_EQ(limit.tryAdmit("b", kStart + 1, false), 0);
  EXPECT_EQ(limit.tryAdmit("c", kStart + 2, false), 0);
  // Full: the wait is until the oldest counted recipient leaves the 24 h.
  EXPECT_EQ(limit.tryAdmit("d", kStart + 3, false), kDay - 3);
  EXPECT_EQ(limit.countedRecipients(), 3u);
  // Repeats are free.
  EXPECT_EQ(limit.tryAdmit("a", kStart + 10, false), 0);
  EXPECT_EQ(limit.tryAdmit("b", kStart + 11, false), 0);
  EXPECT_EQ(limit.countedRecipients(), 3u);
  // "a" and "b" were reached again, so "c" (kStart + 2) now frees first.
  EXPECT_EQ(limit.tryAdmit("d", kStart + 100, false), kDay + 2 - 100);
  EXPECT_EQ(limit.tryAdmit("d", kStart + kDay + 1, false), 1);
  EXPECT_EQ(limit.tryAdmit("d", kStart + kDay + 2, false), 0);
  EXPECT_EQ(limit.countedRecipients(), 3u);
}

TEST(WhatsAppDailyRecipientLimit, ServiceWindowMessagesAreNotCounted) {
  DailyRecipientLimit limit(1, {});
  EXPECT_EQ(limit.tryAdmit("a", kStart, true), 0);
  EXPECT_EQ(limit.countedRecipients(), 0u);
  EXPECT_EQ(limit.tryAdmit("b", kStart + 1, false), 0);
  // Full, but in-window messages still go.
  EXPECT_EQ(limit.tryAdmit("a", kStart + 2, true), 0);
  EXPECT_EQ(limit.tryAdmit("c", kStart + 3, true), 0);
  EXPECT_EQ(limit.tryAdmit("a", kStart + 4, false), kDay - 3);
  EXPECT_EQ(limit.countedRecipients(), 1u);
}

TEST(WhatsAppDailyRecipientLimit, SlotsFreeAfter24Hours) {
  DailyRecipientLimit limit(2, {});
  EXPECT_EQ(limit.tryAdmit("a", kStart, false), 0);
  EXPECT_EQ(limit.tryAdmit("b", kStart + 1000, false), 0);
  EXPECT_EQ(limit.tryAdmit("c", kStart + kDay - 1, false), 1);
  EXPECT_EQ(limit.tryAdmit("c", kStart + kDay, false), 0);
  EXPECT_EQ(limit.tryAdmit("d", kStart + kDay, false), 1000);
  EXPECT_EQ(limit.tryAdmit("d", kStart + kDay + 1000, false), 0);
  // "a" left the window, so reaching it again needs a new slot.
  EXPECT_EQ(limit.tryAdmit("a", kStart + kDay + 1000, false), kDay - 1000);
}

TEST(WhatsAppDailyRecipientLimit, SeededFromOutbox) {
  const EpochMillis now = kStart + 10 * kDay;
  DailyRecipientLimit limit(2, {{"a", now - 23 * 3'600'000},
                                {"b", now - kDay - 1},  // already outside the window
                                {"a", now - kDay + 5},  // older time for "a": the latest wins
                                {"c", now - 20 * 3'600'000}});
  // "a" and "c" fill both slots; "b" no longer counts.
  EXPECT_EQ(limit.tryAdmit("a", now, false), 0);
  EXPECT_EQ(limit.countedRecipients(), 2u);
  // "a" was just reached again, so "c" (seeded 20 h ago) frees first, in 4 h.
  EXPECT_EQ(limit.tryAdmit("b", now, false), 4 * 3'600'000);
}

TEST(WhatsAppDailyRecipientLimit, SeedAboveLimitGivesExactHint) {
  DailyRecipientLimit limit(1, {{"a", kStart}, {"b", kStart + 100}, {"c", kStart + 200}});
  // Two of the three seeded recipients must leave before a new one fits.
  const std::int64_t hint = limit.tryAdmit("d", kStart + 300, false);
  EXPECT_EQ(hint, kDay + 200 - 300);
  EXPECT_EQ(limit.tryAdmit("d", kStart + 300 + hint - 1, false), 1);
  EXPECT_EQ(limit.tryAdmit("d", kStart + 300 + hint, false), 0);
}

TEST(WhatsAppDailyRecipientLimit, NonPositiveLimitIsUnlimited) {
  DailyRecipientLimit limit(0, {{"a", kStart}});
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(limit.tryAdmit("r" + std::to_string(i), kStart + i, false), 0);
  }
  EXPECT_EQ(limit.countedRecipients(), 0u);
}

}  // namespace
}  // namespace cartrelay::whatsapp
