#include "core/polling/backoff.h"

#include <gtest/gtest.h>

namespace cartrelay::core::polling {
namespace {

RandomSource constant(double value) {
  return [value] { return value; };
}

BackoffPolicy policy(std::int64_t initial_ms, std::int64_t max_ms, double multiplier,
                     std::int64_t max_retry_after_ms) {
  BackoffPolicy p;
  p.initial_ms = initial_ms;
  p.max_ms = max_ms;
  p.multiplier = multiplier;
  p.max_retry_after_ms = max_retry_after_ms;
  return p;
}

TEST(Backoff, CeilingGrowsExponentiallyUpToTheMaximum) {
  Backoff backoff(policy(1000, 10'000, 2.0, 3600000), constant(0.999999));
  EXPECT_EQ(backoff.nextDelayMs(), 1000);
  EXPECT_EQ(backoff.nextDelayMs(), 2000);
  EXPECT_EQ(backoff.nextDelayMs(), 4000);
  EXPECT_EQ(backoff.nextDelayMs(), 8000);
  EXPECT_EQ(backoff.nextDelayMs(), 10'000);
  EXPECT_EQ(backoff.nextDelayMs(), 10'000);
  EXPECT_EQ(backoff.failures(), 6);
}

TEST(Backoff, FullJitterDrawsBelowTheCeiling) {
  Backoff low(policy(1000, 60'000, 2.0, 3600000), constant(0.0));
  EXPECT_EQ(low.nextDelayMs(), 0);
  EXPECT_EQ(low.nextDelayMs(), 0);
  Backoff half(policy(1000, 60'000, 2.0, 3600000), constant(0.5));
  EXPECT_EQ(half.nextDelayMs(), 500);
  EXPECT_EQ(half.nextDelayMs(), 1000);
  EXPECT_EQ(half.nextDelayMs(), 2000);
}

TEST(Backoff, DefaultRandomSourceStaysInRange) {
  Backoff backoff(policy(100, 1000, 2.0, 3600000), nullptr);
  for (int i = 0; i < 200; ++i) {
    const std::int64_t ceiling = backoff.ceilingMs();
    const std::int64_t delay = backoff.nextDelayMs();
    EXPECT_GE(delay, 0);
    EXPECT_LE(delay, ceiling);
  }
}

TEST(Backoff, RetryAfterIsALowerBoundAndIsClamped) {
  Backoff backoff(policy(1000, 60'000, 2.0, 30'000), constant(0.0));
  EXPECT_EQ(backoff.nextDelayMs(5000), 5000);
  EXPECT_EQ(backoff.nextDelayMs(10'000'000), 30'000);
  EXPECT_EQ(backoff.nextDelayMs(-5), 0);
}

TEST(Backoff, ResetStartsOver) {
  Backoff backoff(policy(1000, 60'000, 2.0, 3600000), constant(0.999999));
  backoff.nextDelayMs();
  backoff.nextDelayMs();
  backoff.nextDelayMs();
  EXPECT_EQ(backoff.ceilingMs(), 8000);
  backoff.reset();
  EXPECT_EQ(backoff.failures(), 0);
  EXPECT_EQ(backoff.nextDelayMs(), 1000);
}

TEST(Backoff, ManyFailuresDoNotOverflow) {
  Backoff backoff(policy(1000, 300'000, 2.0, 3600000), constant(0.999999));
  std::int64_t delay = 0;
  for (int i = 0; i < 5000; ++i) delay = backoff.nextDelayMs();
  EXPECT_EQ(delay, 300'000);
}

TEST(Backoff, NonsensePolicyIsSanitised) {
  Backoff backoff(policy(0, -5, 0.1, 3600000), constant(0.999999));
  EXPECT_EQ(backoff.nextDelayMs(), 1);
  EXPECT_EQ(backoff.nextDelayMs(), 1);
}

TEST(ParseRetryAfter, DelaySeconds) {
  EXPECT_EQ(parseRetryAfterMs("120", 0), 120'000);
  EXPECT_EQ(parseRetryAfterMs(" 3 ", 0), 3000);
  EXPECT_EQ(parseRetryAfterMs("0", 0), 0);
  EXPECT_EQ(parseRetryAfterMs("2.5", 0), 2500);
  EXPECT_EQ(parseRetryAfterMs("1.0", 0), 1000);
  EXPECT_EQ(parseRetryAfterMs("0.0015", 0), 1);
}

TEST(ParseRetryAfter, HttpDate) {
  // 2015-10-21T07:28:00Z = 1445412480 s.
  EXPECT_EQ(parseRetryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT", 1'445'412'470'000), 10'000);
  EXPECT_EQ(parseRetryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT", 1'445'412'490'000), 0);
}

TEST(ParseRetryAfter, RejectsGarbage) {
  EXPECT_FALSE(parseRetryAfterMs("", 0));
  EXPECT_FALSE(parseRetryAfterMs("soon", 0));
  EXPECT_FALSE(parseRetryAfterMs("-1", 0));
  EXPECT_FALSE(parseRetryAfterMs("1.", 0));
  EXPECT_FALSE(parseRetryAfterMs("12abc", 0));
  EXPECT_FALSE(parseRetryAfterMs("99999999999999999999", 0));
  EXPECT_FALSE(parseRetryAfterMs("Wed, 21 Foo 2015 07:28:00 GMT", 0));
  EXPECT_FALSE(parseRetryAfterMs("Wed, 21 Oct 2015 07:28:00 UTC", 0));
}

}  // namespace
}  // namespace cartrelay::core::polling
