// The outbox after the gate, on SQLite and MariaDB: SendGate::claim makes a
// row `sending` before anything leaves (and decides a stale one again),
// OutboxDelivery moves it on, statuses only ever move forward, a status
// that beats the send's answer is kept until it can be applied, and a
// process that died mid-send leaves `unknown`, never a second send.
#include "compliance/outbox_delivery.h"

#include <gtest/gtest.h>

#include "tests/compliance/gate_store_fixture.h"

namespace cartrelay::compliance {
namespace {

class OutboxDeliveryTest : public GateStoreTest {
 protected:
  void SetUp() override {
    GateStoreTest::SetUp();
    if (HasFatalFailure()) return;
    delivery_ = std::make_unique<OutboxDelivery>(db(), clock_, audit_);
  }

  // A message allowed and claimed: its outbox id, now `sending`.
  std::int64_t sending(const std::string& tmpl = "cart", const char* phone = kPhone) {
    auto queued = send(tmpl, phone);
    EXPECT_EQ(queued.decision.outcome, Decision::Outcome::kAllow);
    auto claimed = gate_->claim({queued.outbox_id});
    EXPECT_TRUE(claimed.isOk()) << claimed.status().toString();
    EXPECT_EQ(claimed->messages.size(), 1u);
    return queued.outbox_id;
  }

  // The recipient withdraws after the gate decided; by the claim, the
  // decision is old enough to be made again.
  void withdrawThenLetTheDecisionGoStale() {
    ConsentEvent withdrawn = grant();
    withdrawn.status = ConsentStatus::kRet;
    withdrawn.event_type = "WITHDRAW";
    withdrawn.event_at = clock_.nowMillis();
    record(withdrawn);
    clock_.advance(SendGate::kFreshDecisionMs + 1);
  }

  std::string state(std::int64_t id) {
    auto rows = rawRows("SELECT state FROM outbox WHERE id = " + std::to_string(id));
    return rows.empty() ? "" : rows[0][0];
  }

  StatusReport status(const std::string& wamid, DeliveryState s, core::EpochMillis at = 0) {
    StatusReport r;
    r.provider_message_id = wamid;
    r.status = s;
    r.at_ms = at == 0 ? clock_.nowMillis() : at;
    return r;
  }

  OutboxDelivery::StatusResult apply(const StatusReport& r) {
    auto applied = delivery_->applyStatus(r);
    EXPECT_TRUE(applied.isOk()) << applied.status().toString();
    return applied.isOk() ? *applied : OutboxDelivery::StatusResult::kStale;
  }

  std::unique_ptr<OutboxDelivery> delivery_;
};

using Result = OutboxDelivery::StatusResult;

TEST_P(OutboxDeliveryTest, ClaimIsDurableAndHappensOnce) {
  record(grant());
  auto queued = send("cart");
  auto due = delivery_->due(10);
  ASSERT_TRUE(due.isOk());
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].outbox_id, queued.outbox_id);
  EXPECT_EQ((*due)[0].purpose_class, "COMMERCIAL");

  auto first = gate_->claim({queued.outbox_id});
  ASSERT_TRUE(first.isOk()) << first.status().toString();
  ASSERT_EQ(first->messages.size(), 1u);
  const auto& content = first->messages[0].content();
  EXPECT_EQ(content.to, kPhone);
  EXPECT_EQ(content.meta_template, "abandoned_cart_1h");
  EXPECT_EQ(content.params["first_name"], "Ayşe");
  EXPECT_EQ(content.outbox_id, queued.outbox_id);
  EXPECT_EQ(state(queued.outbox_id), "sending") << "durable before any request leaves";
  EXPECT_EQ(rawRows("SELECT attempts FROM outbox")[0][0], "1");

  auto second = gate_->claim({queued.outbox_id});
  ASSERT_TRUE(second.isOk());
  EXPECT_TRUE(second->messages.empty()) << "a message is handed out once";
  EXPECT_EQ(second->skipped, 1);
  EXPECT_TRUE(delivery_->due(10)->empty());
}

TEST_P(OutboxDeliveryTest, StatusesOnlyMoveForward) {
  record(grant());
  const std::int64_t id = sending();
  ASSERT_TRUE(delivery_->recordAccepted(id, "wamid.A").isOk());
  EXPECT_EQ(state(id), "sent");
  EXPECT_EQ(apply(status("wamid.A", DeliveryState::kRead)), Result::kApplied)
      << "read without delivered is fine";
  EXPECT_EQ(apply(status("wamid.A", DeliveryState::kDelivered)), Result::kStale);
  EXPECT_EQ(apply(status("wamid.A", DeliveryState::kSent)), Result::kStale)
      << "a late sent never overwrites read";
  EXPECT_EQ(apply(status("wamid.A", DeliveryState::kFailed)), Result::kStale)
      << "delivery is the stronger fact";
  EXPECT_EQ(state(id), "read");

  record(grant("+905551112233"));
  const std::int64_t other = sending("cart", "+905551112233");
  ASSERT_TRUE(delivery_->recordAccepted(other, "wamid.B").isOk());
  StatusReport failed = status("wamid.B", DeliveryState::kFailed);
  failed.error_code = 131049;
  EXPECT_EQ(apply(failed), Result::kApplied);
  EXPECT_EQ(apply(status("wamid.B", DeliveryState::kDelivered)), Result::kStale)
      << "failed is terminal";
  auto row = rawRows("SELECT state, error_code FROM outbox WHERE id = " + std::to_string(other));
  EXPECT_EQ(row[0][0], "failed");
  EXPECT_EQ(row[0][1], "131049");
}

TEST_P(OutboxDeliveryTest, AStatusThatBeatsTheSendAnswerIsKeptAndApplied) {
  record(grant());
  const std::int64_t id = sending();
  StatusReport delivered = status("wamid.EARLY", DeliveryState::kDelivered);
  delivered.pricing_category = "marketing";
  delivered.pricing_type = "regular";
  EXPECT_EQ(apply(delivered), Result::kBuffered);
  EXPECT_EQ(apply(delivered), Result::kDuplicate);
  EXPECT_EQ(apply(status("wamid.EARLY", DeliveryState::kSent)), Result::kBuffered);

  ASSERT_TRUE(delivery_->recordAccepted(id, "wamid.EARLY").isOk());
  auto row = rawRows("SELECT state, pricing_category, pricing_type FROM outbox WHERE id = " +
                     std::to_string(id));
  EXPECT_EQ(row[0][0], "delivered");
  EXPECT_EQ(row[0][1], "marketing");
  EXPECT_EQ(row[0][2], "regular");
  EXPECT_TRUE(rawRows("SELECT wamid FROM delivery_status_buffer").empty());
}

TEST_P(OutboxDeliveryTest, ABatchIsClaimedTogetherAndEachRowDecidedAgainOnItsOwnFacts) {
  record(grant());
  auto a = send("shipped", "+905550000001");
  auto b = send("shipped", "+905550000002");
  auto c = send("cart");
  withdrawThenLetTheDecisionGoStale();

  // `a` twice and a row that does not exist: taken once, skipped.
  auto claimed = gate_->claim({a.outbox_id, b.outbox_id, c.outbox_id, 424242, a.outbox_id});
  ASSERT_TRUE(claimed.isOk()) << claimed.status().toString();
  ASSERT_EQ(claimed->messages.size(), 2u);
  EXPECT_EQ(claimed->messages[0].content().outbox_id, a.outbox_id);
  EXPECT_EQ(claimed->messages[1].content().outbox_id, b.outbox_id);
  EXPECT_EQ(claimed->suppressed, 1) << "the withdrawal wins for the marketing message only";
  EXPECT_EQ(claimed->skipped, 2);
  EXPECT_EQ(state(a.outbox_id), "sending");
  EXPECT_EQ(state(b.outbox_id), "sending");
  EXPECT_EQ(state(c.outbox_id), "suppressed");
  EXPECT_EQ(rawRows("SELECT seq FROM audit_log WHERE kind = 'gate.decision'").size(), 6u)
      << "three decisions, each made again once";
}

TEST_P(OutboxDeliveryTest, AnInterruptedSendBecomesUnknownAndIsNeverSentAgain) {
  record(grant());
  const std::int64_t id = sending();
  // The process dies here; at the next start:
  auto recovered = delivery_->recoverInterrupted();
  ASSERT_TRUE(recovered.isOk());
  EXPECT_EQ(*recovered, 1);
  EXPECT_EQ(state(id), "unknown");
  EXPECT_TRUE(delivery_->due(10)->empty());
  EXPECT_TRUE(gate_->claim({id})->messages.empty());
  EXPECT_EQ(delivery_->recordAccepted(id, "wamid.LATE").code(), core::Status::Code::kPermanent);

  // Meta's status carries our id back (biz_opaque_callback_data): the
  // message's fate becomes known after all.
  StatusReport delivered = status("wamid.LATE", DeliveryState::kDelivered);
  delivered.outbox_id = id;
  EXPECT_EQ(apply(delivered), Result::kApplied);
  auto row = rawRows("SELECT state, wamid FROM outbox WHERE id = " + std::to_string(id));
  EXPECT_EQ(row[0][0], "delivered");
  EXPECT_EQ(row[0][1], "wamid.LATE");
}

TEST_P(OutboxDeliveryTest, RetryWaitsAndIsDecidedAgain) {
  record(grant());
  const std::int64_t id = sending();
  ASSERT_TRUE(delivery_->recordRetry(id, clock_.nowMillis() + 30'000, 130429, "throughput").isOk());
  EXPECT_EQ(state(id), "queued");
  EXPECT_TRUE(delivery_->due(10)->empty()) << "not before its retry time";
  clock_.advance(30'000);
  ASSERT_EQ(delivery_->due(10)->size(), 1u);
  auto again = gate_->claim({id});
  ASSERT_TRUE(again.isOk());
  ASSERT_EQ(again->messages.size(), 1u);
  EXPECT_EQ(rawRows("SELECT attempts FROM outbox")[0][0], "2");
  const auto decisions = rawRows("SELECT seq FROM audit_log WHERE kind = 'gate.decision'").size();
  EXPECT_EQ(decisions, 2u) << "a retried message is decided again before it goes";
}

TEST_P(OutboxDeliveryTest, AWithdrawalAfterTheDecisionWins) {
  record(grant());
  auto queued = send("cart");
  withdrawThenLetTheDecisionGoStale();
  auto claimed = gate_->claim({queued.outbox_id});
  ASSERT_TRUE(claimed.isOk());
  EXPECT_TRUE(claimed->messages.empty());
  EXPECT_EQ(claimed->suppressed, 1);
  auto row = rawRows("SELECT state, reason, recipient_enc FROM outbox");
  EXPECT_EQ(row[0][0], "suppressed");
  EXPECT_EQ(row[0][1], "CONSENT_WITHDRAWN");
  EXPECT_EQ(row[0][2], "<null>") << "a message that will never go keeps nothing personal";
}

TEST_P(OutboxDeliveryTest, ADeferredMessageGoesWhenItsTimeComes) {
  record(grant());
  // 2025-11-22T20:30:00Z is 23:30 in Istanbul: quiet until 05:00Z.
  clock_.set(1'763'843'400'000);
  auto quiet = send("cart");
  ASSERT_EQ(quiet.decision.outcome, Decision::Outcome::kDefer);
  EXPECT_TRUE(delivery_->due(10)->empty());
  clock_.set(1'763'874'000'000);
  auto due = delivery_->due(10);
  ASSERT_EQ(due->size(), 1u);
  auto claimed = gate_->claim({quiet.outbox_id});
  ASSERT_TRUE(claimed.isOk());
  ASSERT_EQ(claimed->messages.size(), 1u);
  EXPECT_EQ(claimed->messages[0].content().to, kPhone);
  EXPECT_EQ(state(quiet.outbox_id), "sending");
}

TEST_P(OutboxDeliveryTest, TransitionsCheckTheStateTheyLeave) {
  record(grant());
  const std::int64_t id = sending();
  ASSERT_TRUE(delivery_->recordFailed(id, 131026, "undeliverable").isOk());
  EXPECT_EQ(delivery_->recordAccepted(id, "wamid.X").code(), core::Status::Code::kPermanent);
  EXPECT_EQ(delivery_->recordRetry(id, 0, 1, "x").code(), core::Status::Code::kPermanent);
  EXPECT_EQ(delivery_->recordFailed(424242, 1, "x").code(), core::Status::Code::kNotFound);
  const auto kinds = rawRows("SELECT kind FROM audit_log WHERE kind LIKE 'message.%'");
  ASSERT_EQ(kinds.size(), 1u);
  EXPECT_EQ(kinds[0][0], "message.failed");
}

TEST_P(OutboxDeliveryTest, ABatchWritesEachMoveWithItsOwnAuditRecord) {
  const std::int64_t sent = sending("shipped", "+905550000001");
  const std::int64_t retried = sending("shipped", "+905550000002");
  const std::int64_t lost = sending("shipped", "+905550000003");
  const std::int64_t released = sending("shipped", "+905550000004");
  auto queued = send("shipped", "+905550000005");  // never claimed
  // A status that beat the answer is applied inside the batch, as alone.
  EXPECT_EQ(apply(status("wamid.A", DeliveryState::kDelivered)), Result::kBuffered);

  using Move = OutboxDelivery::Transition;
  const auto statuses = delivery_->record(
      {Move::accepted(sent, "wamid.A"),
       Move::retry(retried, clock_.nowMillis() + 5'000, 131000, "something_went_wrong"),
       Move::failed(queued.outbox_id, 131026, "x"), Move::unknown(lost, "no_answer"),
       Move::accepted(424242, "wamid.Z"), Move::release(released)});
  ASSERT_EQ(statuses.size(), 6u);
  EXPECT_TRUE(statuses[0].isOk()) << statuses[0].toString();
  EXPECT_TRUE(statuses[1].isOk()) << statuses[1].toString();
  EXPECT_EQ(statuses[2].code(), core::Status::Code::kPermanent) << "not sending: left alone";
  EXPECT_TRUE(statuses[3].isOk()) << statuses[3].toString();
  EXPECT_EQ(statuses[4].code(), core::Status::Code::kNotFound);
  EXPECT_TRUE(statuses[5].isOk()) << statuses[5].toString();

  EXPECT_EQ(state(sent), "delivered");
  EXPECT_EQ(state(retried), "queued");
  EXPECT_EQ(state(queued.outbox_id), "queued");
  EXPECT_EQ(state(lost), "unknown");
  EXPECT_EQ(state(released), "queued");
  EXPECT_EQ(rawRows("SELECT attempts FROM outbox WHERE id = " + std::to_string(released))[0][0],
            "0")
      << "a release gives the attempt back";
  const auto kinds = rawRows("SELECT kind FROM audit_log WHERE kind LIKE 'message.%' ORDER BY seq");
  ASSERT_EQ(kinds.size(), 4u);
  EXPECT_EQ(kinds[0][0], "message.sent");
  EXPECT_EQ(kinds[1][0], "message.status");
  EXPECT_EQ(kinds[2][0], "message.retry");
  EXPECT_EQ(kinds[3][0], "message.unknown");

  // Each move checks the state it leaves: a batch repeated changes nothing.
  const auto again = delivery_->record({Move::accepted(sent, "wamid.A"), Move::unknown(lost, "x")});
  EXPECT_EQ(again[0].code(), core::Status::Code::kPermanent);
  EXPECT_EQ(again[1].code(), core::Status::Code::kPermanent);
  EXPECT_EQ(rawRows("SELECT kind FROM audit_log WHERE kind LIKE 'message.%'").size(), 4u);
}

CARTRELAY_STORE_SUITE(OutboxDeliveryTest);

}  // namespace
}  // namespace cartrelay::compliance
