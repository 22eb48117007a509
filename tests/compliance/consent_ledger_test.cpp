#include "compliance/consent_ledger.h"

#include <memory>

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "compliance/audit_store.h"
#include "core/store/shop_repo.h"
#include "tests/support/store_test_support.h"

namespace cartrelay::compliance {
namespace {

constexpr const char* kPhone = "+905321234567";

class ConsentLedgerTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    openMigrated();
    auto shops =
        db().queryTransaction([&](soci::session& s) -> core::Result<std::pair<long, long>> {
          core::store::ShopRepo repo(clock_);
          CARTRELAY_ASSIGN_OR_RETURN(auto a,
                                     repo.ensure(s, "acme", core::model::Platform::kShopify));
          CARTRELAY_ASSIGN_OR_RETURN(auto b,
                                     repo.ensure(s, "other", core::model::Platform::kWooCommerce));
          return std::make_pair(static_cast<long>(a), static_cast<long>(b));
        });
    ASSERT_TRUE(shops.isOk()) << shops.status().toString();
    shop_ = shops->first;
    other_shop_ = shops->second;
    subject_ = keys_->hasher().hash("phone", kPhone);
    ledger_ = std::make_unique<ConsentLedger>(*keys_, clock_, audit_log_);
  }

  ConsentEvent grant(core::EpochMillis at) const {
    ConsentEvent e;
    e.subject_ref = subject_;
    e.status = ConsentStatus::kOnay;
    e.event_type = "GRANT";
    e.source = "HS_WEB";
    e.capture_point = "storefront_popup";
    e.kvkk_notice_version = "aydinlatma-v3";
    e.legal_basis = "TR_6563_ONAY+KVKK_ACIK_RIZA";
    e.event_at = at;
    return e;
  }

  ConsentEvent withdraw(core::EpochMillis at) const {
    ConsentEvent e = grant(at);
    e.status = ConsentStatus::kRet;
    e.event_type = "WITHDRAW";
    e.source = "HS_MESAJ";
    e.withdrawal_channel = "wa_keyword";
    return e;
  }

  core::Result<ConsentLedger::Outcome> record(const ConsentEvent& e, std::int64_t shop = 0,
                                              nlohmann::json evidence = {}) {
    return db().queryTransaction([&](soci::session& s) {
      return ledger_->record(s, shop == 0 ? shop_ : shop, e, kPhone, evidence, "cli");
    });
  }

  ConsentState current(std::int64_t shop) {
    auto state =
        db().querySession([&](soci::session& s) { return ledger_->current(s, shop, subject_); });
    EXPECT_TRUE(state.isOk()) << state.status().toString();
    return state.isOk() ? *state : ConsentState{};
  }

  std::vector<audit_store::StoredRecord> audit() {
    auto rows = db().querySession([](soci::session& s) { return audit_store::records(s, 1, 100); });
    EXPECT_TRUE(rows.isOk());
    return rows.isOk() ? *rows : std::vector<audit_store::StoredRecord>();
  }

  AuditLog audit_log_{clock_};
  std::unique_ptr<ConsentLedger> ledger_;  // needs keys_, made in SetUp
  std::int64_t shop_ = 0;
  std::int64_t other_shop_ = 0;
  std::string subject_;
};

TEST_P(ConsentLedgerTest, RecordsAnEventInTheAuditChainAndFoldsIt) {
  auto outcome = record(grant(clock_.nowMillis() - 60'000));
  ASSERT_TRUE(outcome.isOk()) << outcome.status().toString();
  ASSERT_TRUE(outcome->recorded.has_value());
  EXPECT_GT(outcome->recorded->id, 0);
  EXPECT_EQ(outcome->recorded->received_at, clock_.nowMillis());

  auto records = audit();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].record.kind, "consent.recorded");
  EXPECT_EQ(records[0].record.actor, "cli");
  EXPECT_EQ(records[0].record.subject_ref, subject_);
  EXPECT_EQ(outcome->audit_seq, records[0].record.seq);
  auto payload = nlohmann::json::parse(records[0].record.payload);
  EXPECT_EQ(payload["consent_event_id"], outcome->recorded->id);
  EXPECT_EQ(payload["status"], "ONAY");

  ConsentState state = current(shop_);
  EXPECT_EQ(state.status, ConsentState::Status::kOnay);
  EXPECT_EQ(state.event_id, outcome->recorded->id);
  EXPECT_EQ(state.kvkk_notice_version, "aydinlatma-v3");
  auto history =
      db().querySession([&](soci::session& s) { return ledger_->history(s, shop_, subject_); });
  ASSERT_TRUE(history.isOk());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].audit_seq, records[0].record.seq);
}

TEST_P(ConsentLedgerTest, AnOnayOlderThanTheLastRetIsRejectedAndAudited) {
  const core::EpochMillis now = clock_.nowMillis();
  ASSERT_TRUE(record(withdraw(now - 1000)).isOk());
  ConsentEvent stale = grant(now - 5000);
  stale.event_type = "IMPORT";
  auto outcome = record(stale);
  ASSERT_TRUE(outcome.isOk()) << outcome.status().toString();
  EXPECT_FALSE(outcome->recorded.has_value());
  EXPECT_EQ(outcome->rejected, "STALE_CONSENT_IMPORT");
  EXPECT_EQ(current(shop_).status, ConsentState::Status::kRet);
  auto records = audit();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].record.kind, "consent.rejected");
  EXPECT_NE(records[1].record.payload.find("STALE_CONSENT_IMPORT"), std::string::npos);

  // A new affirmative act after the withdrawal counts again.
  ASSERT_TRUE(record(grant(now)).isOk());
  EXPECT_EQ(current(shop_).status, ConsentState::Status::kOnay);
}

TEST_P(ConsentLedgerTest, ThePhoneAndTheEvidenceAreEncryptedAtRest) {
  auto outcome = record(grant(clock_.nowMillis()), 0,
                        {{"ip", "203.0.113.7"}, {"user_agent", "Mozilla/5.0 evidence"}});
  ASSERT_TRUE(outcome.isOk()) << outcome.status().toString();
  auto rows = rawRows("SELECT * FROM consent_events");
  ASSERT_EQ(rows.size(), 1u);
  bool has_key = false;
  for (const std::string& cell : rows[0]) {
    EXPECT_EQ(cell.find("5321234567"), std::string::npos) << cell;
    EXPECT_EQ(cell.find("203.0.113"), std::string::npos) << cell;
    EXPECT_EQ(cell.find("Mozilla"), std::string::npos) << cell;
    has_key = has_key || cell.size() > 40;
  }
  EXPECT_TRUE(has_key) << "data key and ciphertexts are stored";
  for (const auto& r : audit()) {
    EXPECT_EQ(r.record.payload.find("5321234567"), std::string::npos);
    EXPECT_EQ(r.record.payload.find("203.0.113"), std::string::npos);
  }
}

TEST_P(ConsentLedgerTest, BrokenEventsAreRefusedAndNothingIsStored) {
  const core::EpochMillis now = clock_.nowMillis();
  ConsentEvent raw_phone = grant(now);
  raw_phone.subject_ref = kPhone;
  ConsentEvent bad_source = grant(now);
  bad_source.source = "website";
  ConsentEvent future = grant(now + 10 * 60 * 1000);
  ConsentEvent evidence_ret = withdraw(now);
  evidence_ret.evidence_only = true;
  ConsentEvent bad_type = grant(now);
  bad_type.event_type = "MAYBE";
  for (const ConsentEvent& e : {raw_phone, bad_source, future, evidence_ret, bad_type}) {
    auto outcome = record(e);
    EXPECT_EQ(outcome.status().code(), core::Status::Code::kInvalidArgument);
    EXPECT_EQ(outcome.status().message().find("5321234567"), std::string::npos);
  }
  EXPECT_TRUE(rawRows("SELECT id FROM consent_events").empty());
  EXPECT_TRUE(audit().empty());
}

TEST_P(ConsentLedgerTest, ConsentBelongsToOneShop) {
  ASSERT_TRUE(record(grant(clock_.nowMillis())).isOk());
  EXPECT_EQ(current(shop_).status, ConsentState::Status::kOnay);
  EXPECT_EQ(current(other_shop_).status, ConsentState::Status::kNone);
}

TEST_P(ConsentLedgerTest, PurposeScopesRoundTrip) {
  auto scope = parsePurposeScope("campaign, abandoned_cart");
  ASSERT_TRUE(scope.isOk());
  EXPECT_EQ(formatPurposeScope(*scope), "abandoned_cart,campaign");
  EXPECT_TRUE(parsePurposeScope("")->empty());
  EXPECT_EQ(parsePurposeScope("spam").status().code(), core::Status::Code::kInvalidArgument);
  ConsentEvent scoped = grant(clock_.nowMillis());
  scoped.purpose_scope = *scope;
  ASSERT_TRUE(record(scoped).isOk());
  EXPECT_EQ(current(shop_).purpose_scope, *scope);
}

TEST_P(ConsentLedgerTest, AnErasedPersonComesBackOnlyByTheirOwnGrant) {
  exec("INSERT INTO subject_suppressions (subject_ref, reason, created_at_ms) VALUES ('" +
       subject_ + "', 'erased', 1)");
  for (const char* type : {"IMPORT", "OBSERVED"}) {
    ConsentEvent copy = grant(clock_.nowMillis());
    copy.event_type = type;
    auto outcome = record(copy);
    ASSERT_TRUE(outcome.isOk());
    EXPECT_EQ(outcome->rejected, "SUBJECT_ERASED") << type;
  }
  EXPECT_EQ(rawRows("SELECT subject_ref FROM subject_suppressions").size(), 1u);
  auto fresh = record(grant(clock_.nowMillis()));
  ASSERT_TRUE(fresh.isOk() && fresh->recorded);
  EXPECT_TRUE(rawRows("SELECT subject_ref FROM subject_suppressions").empty());
  EXPECT_EQ(current(shop_).status, ConsentState::Status::kOnay);
}

CARTRELAY_STORE_SUITE(ConsentLedgerTest);

}  // namespace
}  // namespace cartrelay::compliance
