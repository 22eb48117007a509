// A real send attempt through compliance::SendGate, on SQLite and MariaDB,
// for every reason the gate can give: the facts come from the real ledger,
// outbox, carts and suppression tables, and every decision leaves exactly
// one outbox row and one gate.decision audit record (rule 40), or nothing at
// all when the audit chain is unavailable.
#include "compliance/send_gate.h"

#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "compliance/audit_store.h"
#include "compliance/audit_verifier.h"
#include "tests/compliance/gate_store_fixture.h"

namespace cartrelay::compliance {
namespace {

using Outcome = Decision::Outcome;
using SendGateTest = GateStoreTest;

TEST_P(SendGateTest, AnAllowedMessageIsQueuedAndAudited) {
  record(grant());
  auto out = send("cart");
  expect(out, Outcome::kAllow, std::nullopt);
  EXPECT_GT(out.decision.consent_event_id, 0);

  auto rows = rawRows("SELECT state, decision, audit_seq, recipient_enc, params_enc FROM outbox");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], "queued");
  EXPECT_EQ(rows[0][1], "ALLOW");
  EXPECT_EQ(rows[0][2], std::to_string(out.audit_seq));
  EXPECT_EQ(rows[0][3].find("5321234567"), std::string::npos) << "recipient encrypted";
  EXPECT_EQ(rows[0][4].find("Ayşe"), std::string::npos) << "params encrypted";

  auto records =
      db().querySession([](soci::session& s) { return audit_store::records(s, 1, 100); });
  ASSERT_TRUE(records.isOk());
  const AuditRecord& decision = records->back().record;
  EXPECT_EQ(decision.kind, "gate.decision");
  auto payload = nlohmann::json::parse(decision.payload);
  EXPECT_EQ(payload["decision"], "ALLOW");
  EXPECT_EQ(payload["consent_event_id"], out.decision.consent_event_id);
  EXPECT_EQ(payload["policy_version"], "cfg-sha");
  EXPECT_EQ(decision.payload.find("5321234567"), std::string::npos);
  EXPECT_EQ(decision.payload.find("Ayşe"), std::string::npos);
}

TEST_P(SendGateTest, ConsentReasons) {
  expect(send("cart"), Outcome::kDeny, Reason::kNoConsent);
  ConsentEvent incomplete = grant();
  incomplete.complete = false;
  record(incomplete);
  expect(send("cart"), Outcome::kDeny, Reason::kConsentIncomplete);
  ConsentEvent unverified = grant();
  unverified.verified = false;
  unverified.event_at += 1;
  record(unverified);
  expect(send("cart"), Outcome::kDeny, Reason::kConsentUnverified);
  ConsentEvent no_notice = grant();
  no_notice.kvkk_notice_version = "";
  no_notice.event_at += 2;
  record(no_notice);
  expect(send("cart"), Outcome::kDeny, Reason::kKvkkNoticeMissing);
  ConsentEvent scoped = grant();
  scoped.purpose_scope = {Purpose::kCampaign};
  scoped.event_at += 3;
  record(scoped);
  expect(send("cart"), Outcome::kDeny, Reason::kOutOfConsentScope);
  ConsentEvent withdrawn = grant();
  withdrawn.status = ConsentStatus::kRet;
  withdrawn.event_type = "WITHDRAW";
  withdrawn.event_at += 4;
  record(withdrawn);
  expect(send("cart"), Outcome::kDeny, Reason::kConsentWithdrawn);
  {
    SCOPED_TRACE("a RET stops commercial messages only");
    expect(send("shipped"), Outcome::kAllow, std::nullopt);
  }
  ConsentEvent blocked = withdrawn;
  blocked.block_all = true;
  blocked.event_at += 5;
  record(blocked);
  expect(send("shipped"), Outcome::kDeny, Reason::kBlocked);
  EXPECT_EQ(rawRows("SELECT id FROM outbox").size(), 8u) << "every decision has its row";
}

TEST_P(SendGateTest, SubjectTemplateAndPolicyReasons) {
  record(grant());
  expect(send("cart", "12"), Outcome::kDeny, Reason::kInvalidPhone);
  expect(send("old"), Outcome::kDeny, Reason::kTemplateNotApproved);
  audit_intact_ = false;
  expect(send("cart"), Outcome::kDeny, Reason::kAuditIntegrityFailed);
  {
    SCOPED_TRACE("SAFE_MODE stops commercial messages only");
    expect(send("shipped"), Outcome::kAllow, std::nullopt);
  }
  audit_intact_ = true;
  GatePolicy no_basis = policy_;
  no_basis.transfer_basis.clear();
  auto gate = makeGate(no_basis);
  expect(send("shipped", kPhone, gate.get()), Outcome::kDeny, Reason::kTransferBasisMissing);
  exec("INSERT INTO subject_suppressions (subject_ref, reason, created_at_ms) VALUES ('" +
       keys_->hasher().hash("phone", kPhone) + "', 'erased', 1)");
  expect(send("shipped"), Outcome::kDeny, Reason::kErased);
}

TEST_P(SendGateTest, TimeAndFrequencyDeferAndTheDeferredRowIsReEvaluated) {
  record(grant());
  expect(send("cart"), Outcome::kAllow, std::nullopt);
  auto capped = send("cart");
  expect(capped, Outcome::kDefer, Reason::kFrequencyCap);
  EXPECT_EQ(capped.decision.retry_at, clock_.nowMillis() + 24LL * 3600 * 1000 + 1);

  // Another person, at 2025-11-22T20:30:00Z, 23:30 in Istanbul: quiet
  // until 08:00 (05:00Z).
  constexpr const char* kOther = "+905551112244";
  record(grant(kOther));
  clock_.set(1'763'843'400'000);
  auto quiet = send("cart", kOther, nullptr, "abandoned_cart");
  expect(quiet, Outcome::kDefer, Reason::kQuietHours);
  EXPECT_EQ(quiet.decision.retry_at, 1'763'874'000'000);
  // When it is due, the same row is decided again: sent once, not twice.
  clock_.set(1'763'874'000'000);
  auto due = send("cart", kOther, nullptr, "abandoned_cart");
  expect(due, Outcome::kAllow, std::nullopt);
  EXPECT_EQ(due.outbox_id, quiet.outbox_id);
  auto again = send("cart", kOther, nullptr, "abandoned_cart");
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.outbox_id, quiet.outbox_id);
}

TEST_P(SendGateTest, CartReasons) {
  record(grant());
  const std::int64_t done = cart(core::model::CartState::kCompleted, clock_.nowMillis());
  expect(send("cart", kPhone, nullptr, "", done), Outcome::kDeny, Reason::kPurchaseCompleted);
  const std::int64_t old = cart(core::model::CartState::kOpen, clock_.nowMillis() - 8LL * 86400000);
  expect(send("cart", kPhone, nullptr, "", old), Outcome::kDeny, Reason::kCartExpired);
  const std::int64_t open = cart(core::model::CartState::kOpen, clock_.nowMillis() - 3600000);
  expect(send("cart", kPhone, nullptr, "", open), Outcome::kAllow, std::nullopt);
}

TEST_P(SendGateTest, IysAndTacirReasons) {
  GatePolicy with_iys = policy_;
  with_iys.iys_enabled = true;
  auto gate = makeGate(with_iys);
  record(grant());
  expect(send("cart", kPhone, gate.get()), Outcome::kDefer, Reason::kIysUnavailable);
  iys_ = {GateFacts::IysStatus::kRet, true};
  expect(send("cart", kPhone, gate.get()), Outcome::kDeny, Reason::kIysNoConsent);
  iys_ = {GateFacts::IysStatus::kOnay, true};
  expect(send("cart", kPhone, gate.get()), Outcome::kAllow, std::nullopt);

  ConsentEvent tacir = grant("+905551112233");
  tacir.recipient_type = RecipientType::kTacir;
  record(tacir);
  iys_ = {GateFacts::IysStatus::kNotFound, true};
  expect(send("cart", "+905551112233", gate.get()), Outcome::kDeny, Reason::kTacirNotInIys);
}

TEST_P(SendGateTest, EuSoftOptInNeedsAPastOrder) {
  GatePolicy eu;
  eu.jurisdiction = Jurisdiction::kEU;
  eu.soft_optin_countries = {"DE"};
  auto gate = makeGate(eu);
  clock_.set(1'763'800'000'000 + 3600000);  // 09:26 in Berlin
  expect(send("cart", kGermanPhone, gate.get()), Outcome::kDeny, Reason::kSoftOptinNotEligible);
  GatePolicy eu_without = eu;
  eu_without.soft_optin_countries.clear();
  auto strict = makeGate(eu_without);
  expect(send("cart", kGermanPhone, strict.get()), Outcome::kDeny, Reason::kNoConsent);
}

TEST_P(SendGateTest, WithoutTheAuditChainNothingIsRecordedOrCleared) {
  record(grant());
  exec("DROP TABLE audit_state");
  auto out = send("cart");
  expect(out, Outcome::kDeny, Reason::kAuditUnavailable);
  EXPECT_EQ(out.outbox_id, 0);
  EXPECT_TRUE(rawRows("SELECT id FROM outbox").empty()) << "the outbox row rolled back too";
}

TEST_P(SendGateTest, UnknownTemplateOrShopIsAnError) {
  SendRequest r;
  r.shop_id = shop_;
  r.phone = kPhone;
  r.template_name = "nope";
  EXPECT_EQ(gate_->submit(r).status().code(), core::Status::Code::kInvalidArgument);
  r.template_name = "cart";
  r.shop_id = 999;
  EXPECT_EQ(gate_->submit(r).status().code(), core::Status::Code::kInvalidArgument);
}

TEST_P(SendGateTest, ConcurrentSubmitsShareTransactionsButEachKeepsItsOwnDecision) {
  // 8 callers ask for the same 20 journey messages at once: concurrent
  // submits are recorded together, yet each (journey, step, subject) gets
  // one row and one decision, the others see it as a duplicate, and the
  // audit chain stays one intact chain.
  constexpr int kCallers = 8;
  constexpr int kMessages = 20;
  std::vector<std::vector<SendGate::Outcome>> outcomes(kCallers);
  std::vector<std::thread> callers;
  for (int t = 0; t < kCallers; ++t) {
    callers.emplace_back([&, t] {
      for (int i = 0; i < kMessages; ++i) {
        const std::string phone = "+9055500001" + std::to_string(10 + i);
        outcomes[t].push_back(send("shipped", phone.c_str(), nullptr, "order_shipped"));
      }
    });
  }
  for (std::thread& caller : callers) caller.join();

  std::map<std::int64_t, int> firsts;  // outbox id -> callers that were first
  for (const auto& mine : outcomes) {
    ASSERT_EQ(mine.size(), static_cast<std::size_t>(kMessages));
    for (const SendGate::Outcome& out : mine) {
      EXPECT_EQ(out.decision.outcome, Outcome::kAllow);
      EXPECT_GT(out.outbox_id, 0);
      if (!out.duplicate) ++firsts[out.outbox_id];
    }
  }
  EXPECT_EQ(firsts.size(), static_cast<std::size_t>(kMessages));
  for (const auto& [id, n] : firsts) EXPECT_EQ(n, 1) << "outbox " << id << " decided once";
  EXPECT_EQ(rawRows("SELECT id FROM outbox").size(), static_cast<std::size_t>(kMessages));
  EXPECT_EQ(rawRows("SELECT seq FROM audit_log WHERE kind = 'gate.decision'").size(),
            static_cast<std::size_t>(kMessages));
  auto report = verifyAuditChain(db(), "");
  ASSERT_TRUE(report.isOk()) << report.status().toString();
  EXPECT_EQ(report->outcome, AuditVerifyReport::Outcome::kIntact) << report->reason;
}

TEST_P(SendGateTest, AFreeFormTextGoesOnlyInsideTheServiceWindow) {
  const std::string subject = keys_->hasher().hash("phone", kPhone);
  const auto wrote = [&](core::EpochMillis at) {
    exec("DELETE FROM whatsapp_contacts");
    exec(
        "INSERT INTO whatsapp_contacts (subject_ref, last_inbound_at_ms, inbound_count,"
        " updated_at_ms) VALUES ('" +
        subject + "', " + std::to_string(at) + ", 1, " + std::to_string(at) + ")");
  };
  // No consent on record, and none needed: the reply is TRANSACTIONAL.
  expect(send("confirm"), Outcome::kDeny, Reason::kOutsideServiceWindow);
  wrote(clock_.nowMillis() - 25LL * 3600 * 1000);
  expect(send("confirm"), Outcome::kDeny, Reason::kOutsideServiceWindow);

  wrote(clock_.nowMillis() - 3600 * 1000);
  auto allowed = send("confirm");
  expect(allowed, Outcome::kAllow, std::nullopt);
  EXPECT_EQ(allowed.decision.purpose_class, PurposeClass::kTransactional);
  auto claimed = gate_->claim({allowed.outbox_id});
  ASSERT_TRUE(claimed.isOk()) << claimed.status().toString();
  ASSERT_EQ(claimed->messages.size(), 1u);
  const auto& content = claimed->messages[0].content();
  EXPECT_EQ(content.text, kConfirmationText);
  EXPECT_EQ(content.meta_template, "") << "no Meta template";
  EXPECT_EQ(content.to, kPhone);

  // Template messages are not held to the window (the cart's consent
  // rules decide those).
  EXPECT_EQ(send("shipped").decision.outcome, Outcome::kAllow);
}

TEST_P(SendGateTest, SubmitWithinRecordsInTheCallersTransactionAndOnlyTransactional) {
  SendRequest r;
  r.shop_id = shop_;
  r.phone = kPhone;
  r.template_name = "confirm";
  r.journey = "opt_out_confirmation";
  r.step = "stop@1";
  // The caller's transaction rolls back: so does the decision.
  auto rolled_back = db().withTransaction([&](soci::session& s) -> core::Status {
    auto out = gate_->submitWithin(s, r);
    EXPECT_TRUE(out.isOk()) << out.status().toString();
    return core::Status::unavailable("the caller changed its mind");
  });
  EXPECT_FALSE(rolled_back.isOk());
  EXPECT_TRUE(rawRows("SELECT id FROM outbox").empty());
  EXPECT_TRUE(rawRows("SELECT seq FROM audit_log WHERE kind = 'gate.decision'").empty());

  auto first = db().queryTransaction([&](soci::session& s) { return gate_->submitWithin(s, r); });
  ASSERT_TRUE(first.isOk()) << first.status().toString();
  EXPECT_EQ(first->decision.reason, Reason::kOutsideServiceWindow) << "nobody wrote";
  auto again = db().queryTransaction([&](soci::session& s) { return gate_->submitWithin(s, r); });
  ASSERT_TRUE(again.isOk());
  EXPECT_TRUE(again->duplicate) << "one confirmation per withdrawal";
  EXPECT_EQ(again->outbox_id, first->outbox_id);

  // A COMMERCIAL message may need İYS, which must not hold a transaction.
  r.template_name = "cart";
  auto commercial =
      db().queryTransaction([&](soci::session& s) { return gate_->submitWithin(s, r); });
  EXPECT_EQ(commercial.status().code(), core::Status::Code::kInvalidArgument);
}

CARTRELAY_STORE_SUITE(SendGateTest);

}  // namespace
}  // namespace cartrelay::compliance
