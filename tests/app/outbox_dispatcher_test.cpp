// The sender's decisions, on SQLite and MariaDB, with a scripted channel in
// place of Meta and a manual clock: each kind of answer becomes the right
// outbox state, the pair and daily limits postpone rather than drop, a halt
// stops everything after one request, a slow-down pauses the whole
// channel, and Meta's opt-out becomes a withdrawal in the ledger. With
// several senders: every row goes exactly once, the limits stay exact, a
// refusal still costs one request, and the throughput limit holds as the
// receiver counts.
#include "app/outbox_dispatcher.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "app/version.h"
#include "tests/compliance/gate_store_fixture.h"
#include "tests/support/scripted_channel.h"

namespace cartrelay::app {
namespace {

using compliance::Decision;
using core::ports::SendResult;
using Outcome = SendResult::Outcome;

// A channel that takes its time, so that parallel senders overlap: each
// request "arrives" (is seen by the receiver) a few ms after it left and
// its answer comes a few ms after that, the delays varying by message. It
// remembers the arrival times (steady clock) and the most requests it had
// at once, and answers as `inner` does.
class SlowChannel final : public core::ports::MessageChannel {
 public:
  SlowChannel(core::ports::MessageChannel& inner, int max_delay_ms)
      : inner_(inner), max_delay_ms_(max_delay_ms) {}

  SendResult send(const core::ports::ClearedMessage& message) override {
    const int now = ++in_flight_;
    int seen = most_.load();
    while (now > seen && !most_.compare_exchange_weak(seen, now)) {
    }
    const std::int64_t id = message.content().outbox_id;
    std::this_thread::sleep_for(std::chrono::milliseconds(id * 7 % (max_delay_ms_ + 1)));
    {
      std::lock_guard<std::mutex> lock(mu_);
      arrivals_.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now().time_since_epoch())
                              .count());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(id * 13 % (max_delay_ms_ + 1)));
    SendResult result = inner_.send(message);
    --in_flight_;
    return result;
  }
  std::string_view name() const override { return "slow"; }

  int mostAtOnce() const { return most_.load(); }
  // The most arrivals in any closed interval [t, t + window_ms].
  std::size_t mostArrivalsInAnyWindow(std::int64_t window_ms) const {
    std::vector<std::int64_t> times;
    {
      std::lock_guard<std::mutex> lock(mu_);
      times = arrivals_;
    }
    std::sort(times.begin(), times.end());
    std::size_t best = 0;
    for (std::size_t first = 0, last = 0; last < times.size(); ++last) {
      while (times[last] - times[first] > window_ms) ++first;
      best = std::max(best, last - first + 1);
    }
    return best;
  }

 private:
  core::ports::MessageChannel& inner_;
  const int max_delay_ms_;
  std::atomic<int> in_flight_{0};
  std::atomic<int> most_{0};
  mutable std::mutex mu_;
  std::vector<std::int64_t> arrivals_;
};

SendResult answer(Outcome outcome, int code = 0, std::int64_t retry_after_ms = 0) {
  SendResult r;
  r.outcome = outcome;
  r.error_code = code;
  r.reason = "scripted";
  r.retry_after_ms = retry_after_ms;
  return r;
}

class OutboxDispatcherTest : public compliance::GateStoreTest {
 protected:
  void SetUp() override {
    GateStoreTest::SetUp();
    if (HasFatalFailure()) return;
    delivery_ = std::make_unique<compliance::OutboxDelivery>(db(), clock_, audit_);
    consent_ = std::make_unique<compliance::WhatsAppConsent>(db(), *keys_, *ledger_,
                                                             std::vector<std::int64_t>{shop_});
  }

  std::unique_ptr<OutboxDispatcher> dispatcher(DispatcherOptions options = {},
                                               core::ports::MessageChannel* channel = nullptr) {
    options.max_messages_per_second = 1000;  // never waits on the manual clock
    return std::make_unique<OutboxDispatcher>(
        *gate_, *delivery_, *consent_, channel ? *channel : channel_, metrics_, clock_, options,
        std::vector<std::pair<std::string, core::EpochMillis>>{});
  }

  std::vector<std::int64_t> queueMany(int n, int from = 1) {
    std::vector<std::int64_t> ids;
    for (int i = from; i < from + n; ++i) {
      ids.push_back(queue("+9055500" + std::to_string(10000 + i)));
    }
    return ids;
  }

  std::string count(const std::string& sql) { return rawRows("SELECT COUNT(*) " + sql)[0][0]; }

  // A transactional message to a distinct recipient: allowed without consent.
  std::int64_t queue(const std::string& phone) {
    auto out = send("shipped", phone.c_str());
    EXPECT_EQ(out.decision.outcome, Decision::Outcome::kAllow);
    return out.outbox_id;
  }

  std::string state(std::int64_t id) {
    auto rows = rawRows("SELECT state FROM outbox WHERE id = " + std::to_string(id));
    return rows.empty() ? "" : rows[0][0];
  }

  testing::ScriptedChannel channel_;
  core::metrics::Metrics metrics_{version()};
  std::unique_ptr<compliance::OutboxDelivery> delivery_;
  std::unique_ptr<compliance::WhatsAppConsent> consent_;
};

TEST_P(OutboxDispatcherTest, EachAnswerBecomesItsState) {
  const std::int64_t accepted = queue("+905550000001");
  const std::int64_t retried = queue("+905550000002");
  const std::int64_t failed = queue("+905550000003");
  const std::int64_t lost = queue("+905550000004");
  channel_.script(answer(Outcome::kAccepted));
  channel_.script(answer(Outcome::kRetry, 131000, 30'000));
  channel_.script(answer(Outcome::kFailed, 131026));
  channel_.script(answer(Outcome::kUnknown));
  auto d = dispatcher();

  auto round = d->runOnce();
  EXPECT_EQ(round.attempted, 4);
  EXPECT_EQ(round.sent, 1);
  EXPECT_EQ(state(accepted), "sent");
  EXPECT_EQ(state(retried), "queued");
  EXPECT_EQ(state(failed), "failed");
  EXPECT_EQ(state(lost), "unknown");
  EXPECT_EQ(rawRows("SELECT error_code FROM outbox WHERE id = " + std::to_string(failed))[0][0],
            "131026");

  // The retry waits for its time, then goes as attempt 2.
  EXPECT_EQ(d->runOnce().attempted, 0);
  clock_.advance(30'000);
  EXPECT_EQ(d->runOnce().attempted, 1);
  EXPECT_EQ(channel_.handed().back().outbox_id, retried);
  EXPECT_EQ(channel_.handed().back().attempt, 2);
  EXPECT_EQ(state(retried), "sent");
}

TEST_P(OutboxDispatcherTest, PairAndDailyLimitsPostponeAndNeverDrop) {
  DispatcherOptions options;
  options.daily_unique_recipients = 2;
  auto d = dispatcher(options);
  const std::int64_t a1 = queue("+905550000001");
  const std::int64_t b = queue("+905550000002");
  const std::int64_t c = queue("+905550000003");
  auto round = d->runOnce();
  EXPECT_EQ(round.attempted, 2);
  EXPECT_EQ(round.postponed, 1) << "a third new recipient waits for the 24-hour window";
  EXPECT_EQ(state(a1), "sent");
  EXPECT_EQ(state(b), "sent");
  EXPECT_EQ(state(c), "queued");

  // The same person again within 6 s waits for the pair interval; a
  // recipient already reached costs no daily slot.
  const std::int64_t a2 = queue("+905550000001");
  EXPECT_EQ(d->runOnce().attempted, 0);
  EXPECT_EQ(state(a2), "queued");
  clock_.advance(6'000);
  EXPECT_EQ(d->runOnce().attempted, 1);
  EXPECT_EQ(state(a2), "sent");
  EXPECT_EQ(state(c), "queued");
  clock_.advance(24LL * 3600 * 1000);
  EXPECT_EQ(d->runOnce().attempted, 1);
  EXPECT_EQ(state(c), "sent");
}

TEST_P(OutboxDispatcherTest, AHaltStopsEverythingAfterOneRequest) {
  const std::int64_t first = queue("+905550000001");
  const std::int64_t second = queue("+905550000002");
  channel_.script(answer(Outcome::kHalted, 190));
  auto d = dispatcher();
  EXPECT_EQ(d->runOnce().attempted, 1);
  EXPECT_TRUE(d->halted());
  EXPECT_NE(d->haltReason().find("190"), std::string::npos);
  EXPECT_EQ(state(first), "queued") << "not sent, so not failed";
  EXPECT_EQ(state(second), "queued");
  EXPECT_EQ(rawRows("SELECT attempts FROM outbox WHERE id = " + std::to_string(first))[0][0], "0");
  clock_.advance(3'600'000);
  EXPECT_EQ(d->runOnce().attempted, 0);
  EXPECT_EQ(channel_.handed().size(), 1u);
  EXPECT_EQ(d->sendNow(second).attempted, 0);
}

TEST_P(OutboxDispatcherTest, ASlowDownPausesTheWholeChannel) {
  const std::int64_t first = queue("+905550000001");
  const std::int64_t second = queue("+905550000002");
  SendResult throttled = answer(Outcome::kRetry, 130429, 2'000);
  throttled.slow_down = true;
  channel_.script(throttled);
  DispatcherOptions options;
  options.pair_interval_ms = 1;  // this test is about the channel-wide pause
  auto d = dispatcher(options);
  EXPECT_EQ(d->runOnce().attempted, 1);
  EXPECT_EQ(state(first), "queued");
  EXPECT_EQ(state(second), "queued") << "handed back unsent";
  EXPECT_EQ(d->runOnce().attempted, 0) << "paused";
  clock_.advance(2'000);
  EXPECT_EQ(d->runOnce().attempted, 2);
  EXPECT_EQ(state(first), "sent");
  EXPECT_EQ(state(second), "sent");
}

TEST_P(OutboxDispatcherTest, MetasOptOutIsAWithdrawalInTheLedger) {
  record(grant());
  auto queued = send("cart");
  ASSERT_EQ(queued.decision.outcome, Decision::Outcome::kAllow);
  channel_.script(answer(Outcome::kOptedOut, 131050));
  auto d = dispatcher();
  EXPECT_EQ(d->runOnce().attempted, 1);
  EXPECT_EQ(state(queued.outbox_id), "failed");
  auto current = db().querySession([&](soci::session& s) {
    return ledger_->current(s, shop_, keys_->hasher().hash("phone", compliance::kPhone));
  });
  ASSERT_TRUE(current.isOk());
  EXPECT_EQ(current->status, compliance::ConsentState::Status::kRet);
  clock_.advance(25LL * 3600 * 1000);
  EXPECT_EQ(send("cart").decision.reason, compliance::Reason::kConsentWithdrawn);
}

TEST_P(OutboxDispatcherTest, ParallelSendersSendEveryRowExactlyOnce) {
  const auto ids = queueMany(40);
  SlowChannel slow(channel_, 20);
  DispatcherOptions options;
  options.senders = 8;
  options.record_batch = 16;
  auto d = dispatcher(options, &slow);
  auto round = d->runOnce();
  EXPECT_EQ(round.attempted, 40);
  EXPECT_EQ(round.sent, 40);
  EXPECT_GT(slow.mostAtOnce(), 1) << "requests overlapped";
  EXPECT_LE(slow.mostAtOnce(), 8);
  std::set<std::int64_t> handed;
  for (const auto& h : channel_.handed()) handed.insert(h.outbox_id);
  EXPECT_EQ(handed.size(), 40u);
  EXPECT_EQ(channel_.handed().size(), 40u) << "no row twice";
  for (std::int64_t id : ids) EXPECT_EQ(state(id), "sent") << id;
  EXPECT_EQ(count("FROM audit_log WHERE kind = 'message.sent'"), "40")
      << "each answer has its audit record";
  EXPECT_EQ(count("FROM outbox WHERE wamid IS NULL"), "0");
  EXPECT_EQ(d->runOnce().attempted, 0);
  EXPECT_EQ(channel_.handed().size(), 40u);
}

TEST_P(OutboxDispatcherTest, ParallelSendersKeepThePairAndDailyLimits) {
  DispatcherOptions options;
  options.senders = 8;
  options.daily_unique_recipients = 3;
  const std::int64_t a1 = queue("+905550000001");
  const std::int64_t a2 = queue("+905550000001");
  const auto others = queueMany(4);
  SlowChannel slow(channel_, 2);
  auto d = dispatcher(options, &slow);
  auto round = d->runOnce();
  EXPECT_EQ(round.attempted, 3);
  EXPECT_EQ(round.postponed, 3) << "the same person again, and two recipients past the limit";
  EXPECT_EQ(state(a1), "sent");
  EXPECT_EQ(state(a2), "queued");
  EXPECT_EQ(count("FROM outbox WHERE state = 'sent'"), "3");
  EXPECT_EQ(d->runOnce().attempted, 0);
  clock_.advance(6'000);
  EXPECT_EQ(d->runOnce().attempted, 1) << "the pair interval passed; no new recipient";
  EXPECT_EQ(state(a2), "sent");
}

TEST_P(OutboxDispatcherTest, ParallelSendersStillStopAfterOneRefusal) {
  const auto ids = queueMany(10);
  channel_.script(answer(Outcome::kHalted, 190));
  DispatcherOptions options;
  options.senders = 8;
  SlowChannel slow(channel_, 2);
  auto d = dispatcher(options, &slow);
  EXPECT_EQ(d->runOnce().attempted, 1) << "the first request goes alone";
  EXPECT_TRUE(d->halted());
  EXPECT_EQ(channel_.handed().size(), 1u);
  for (std::int64_t id : ids) EXPECT_EQ(state(id), "queued");
}

TEST_P(OutboxDispatcherTest, ParallelSendersPauseTheWholeChannelOnASlowDown) {
  const auto ids = queueMany(12);
  SendResult throttled = answer(Outcome::kRetry, 130429, 2'000);
  throttled.slow_down = true;
  channel_.script(answer(Outcome::kAccepted));
  channel_.script(throttled);
  DispatcherOptions options;
  options.senders = 8;
  SlowChannel slow(channel_, 3);
  auto d = dispatcher(options, &slow);
  // One accepted, then the throttled one: whatever was in flight with it
  // comes back, nothing more leaves.
  const auto first = d->runOnce();
  EXPECT_EQ(first.sent + 1, first.attempted);
  EXPECT_LE(first.attempted, 2 + 8);
  EXPECT_EQ(count("FROM outbox WHERE state = 'sending'"), "0");
  clock_.advance(2'000);
  d->runOnce();
  EXPECT_EQ(count("FROM outbox WHERE state = 'sent'"), "11")
      << "all but the throttled one, whose recipient had a request 2 s ago";
  clock_.advance(4'000);
  d->runOnce();
  for (std::int64_t id : ids) EXPECT_EQ(state(id), "sent");
  EXPECT_EQ(channel_.handed().size(), 13u) << "each once, and the throttled one twice";
}

// The limit as Meta counts it, on a real clock: no second of arrivals holds
// more than max_messages_per_second, although each request takes a varying
// time to arrive and to be answered.
TEST_P(OutboxDispatcherTest, ParallelSendersKeepTheThroughputLimitAsTheReceiverCounts) {
  const auto ids = queueMany(25);
  SlowChannel slow(channel_, 30);
  core::SystemClock wall;
  DispatcherOptions options;
  options.senders = 4;
  options.max_messages_per_second = 10;
  OutboxDispatcher d(*gate_, *delivery_, *consent_, slow, metrics_, wall, options, {});
  const auto round = d.runOnce();
  EXPECT_EQ(round.sent, 25);
  EXPECT_LE(slow.mostArrivalsInAnyWindow(1000), 10u);
  EXPECT_GT(slow.mostAtOnce(), 1);
  for (std::int64_t id : ids) EXPECT_EQ(state(id), "sent");
}

CARTRELAY_STORE_SUITE(OutboxDispatcherTest);

}  // namespace
}  // namespace cartrelay::app
