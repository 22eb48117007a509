// The sender's decisions, on SQLite and MariaDB, with a scripted channel in
// place of Meta and a manual clock: each kind of answer becomes the right
// outbox state, the pair and daily limits postpone rather than drop, a halt
// stops everything after one request, a slow-down pauses the whole
// channel, and Meta's opt-out becomes a withdrawal in the ledger.
#include "app/outbox_dispatcher.h"

#include <gtest/gtest.h>

#include "app/version.h"
#include "tests/compliance/gate_store_fixture.h"
#include "tests/support/scripted_channel.h"

namespace cartrelay::app {
namespace {

using compliance::Decision;
using core::ports::SendResult;
using Outcome = SendResult::Outcome;

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

  std::unique_ptr<OutboxDispatcher> dispatcher(DispatcherOptions options = {}) {
    options.max_messages_per_second = 1000;  // never waits on the manual clock
    return std::make_unique<OutboxDispatcher>(
        *gate_, *delivery_, *consent_, channel_, metrics_, clock_, options,
        std::vector<std::pair<std::string, core::EpochMillis>>{});
  }

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

CARTRELAY_STORE_SUITE(OutboxDispatcherTest);

}  // namespace
}  // namespace cartrelay::app
