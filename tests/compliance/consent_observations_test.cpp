#include "compliance/consent_observations.h"

#include <memory>

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "compliance/audit_store.h"
#include "core/store/domain_event_repo.h"
#include "core/store/shop_repo.h"
#include "tests/support/store_test_support.h"

namespace cartrelay::compliance {
namespace {

using core::model::DomainEvent;
using core::model::DomainEventKind;

class ConsentObservationsTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    openMigrated();
    auto ids = db().queryTransaction([&](soci::session& s) -> core::Result<std::pair<long, long>> {
      core::store::ShopRepo repo(clock_);
      CARTRELAY_ASSIGN_OR_RETURN(auto a, repo.ensure(s, "acme", core::model::Platform::kShopify));
      CARTRELAY_ASSIGN_OR_RETURN(auto b,
                                 repo.ensure(s, "woo", core::model::Platform::kWooCommerce));
      return std::make_pair(static_cast<long>(a), static_cast<long>(b));
    });
    ASSERT_TRUE(ids.isOk());
    evidence_shop_ = ids->first;
    consent_shop_ = ids->second;
    subject_ = keys_->hasher().hash("phone", "+905321234567");
    ledger_ = std::make_unique<ConsentLedger>(*keys_, clock_, audit_);
    consumer_ = std::make_unique<ConsentObservationConsumer>(
        db(), *ledger_, clock_,
        std::map<std::int64_t, PlatformCapture>{{evidence_shop_, {"acme", false, ""}},
                                                {consent_shop_, {"woo", true, "kvkk-v2"}}});
  }

  void observe(std::int64_t shop, const std::string& channel, const std::string& state,
               core::EpochMillis at, const std::string& subject = "use-default") {
    DomainEvent e;
    e.shop_id = shop;
    e.kind = DomainEventKind::kConsentObserved;
    e.subject_hash = subject == "use-default" ? subject_ : subject;
    e.occurred_at_ms = at;
    e.payload_json = nlohmann::json({{"channel", channel},
                                     {"state", state},
                                     {"opt_in_level", "confirmed_opt_in"},
                                     {"source", "shopify:customers_whats_app_marketing_consent"}})
                         .dump();
    core::store::DomainEventRepo repo(clock_);
    ASSERT_TRUE(db().queryTransaction([&](soci::session& s) { return repo.append(s, e); }).isOk());
  }

  std::vector<ConsentEvent> history(std::int64_t shop) {
    auto h =
        db().querySession([&](soci::session& s) { return ledger_->history(s, shop, subject_); });
    EXPECT_TRUE(h.isOk());
    return h.isOk() ? *h : std::vector<ConsentEvent>();
  }

  AuditLog audit_{clock_};
  std::unique_ptr<ConsentLedger> ledger_;
  std::unique_ptr<ConsentObservationConsumer> consumer_;
  std::int64_t evidence_shop_ = 0;
  std::int64_t consent_shop_ = 0;
  std::string subject_;
};

TEST_P(ConsentObservationsTest, SubscribedIsEvidenceUnlessTheShopsCaptureCounts) {
  const core::EpochMillis t = clock_.nowMillis() - 60'000;
  observe(evidence_shop_, "whatsapp", "subscribed", t);
  observe(consent_shop_, "whatsapp", "subscribed", t);
  auto consumed = consumer_->runOnce();
  ASSERT_TRUE(consumed.isOk()) << consumed.status().toString();
  EXPECT_EQ(*consumed, 2);

  auto evidence = history(evidence_shop_);
  ASSERT_EQ(evidence.size(), 1u);
  EXPECT_TRUE(evidence[0].evidence_only);
  EXPECT_EQ(evidence[0].event_type, "OBSERVED");
  EXPECT_EQ(foldConsent(evidence).status, ConsentState::Status::kNone);

  auto counted = history(consent_shop_);
  ASSERT_EQ(counted.size(), 1u);
  EXPECT_FALSE(counted[0].evidence_only);
  EXPECT_TRUE(counted[0].verified) << "confirmed opt-in";
  EXPECT_FALSE(counted[0].complete) << "the platform never says a name was recorded";
  EXPECT_EQ(counted[0].kvkk_notice_version, "kvkk-v2");
  EXPECT_EQ(foldConsent(counted).status, ConsentState::Status::kOnay);
}

TEST_P(ConsentObservationsTest, UnsubscribedAlwaysWithdrawsAndOtherNewsIsIgnored) {
  const core::EpochMillis t = clock_.nowMillis() - 60'000;
  observe(consent_shop_, "whatsapp", "subscribed", t);
  observe(consent_shop_, "sms", "unsubscribed", t + 1);
  observe(consent_shop_, "whatsapp", "pending", t + 2);
  observe(consent_shop_, "whatsapp", "unsubscribed", t + 3, "");  // no valid phone
  observe(evidence_shop_, "whatsapp", "unsubscribed", t + 4);
  observe(consent_shop_, "whatsapp", "unsubscribed", t + 5);
  ASSERT_TRUE(consumer_->runOnce().isOk());
  auto events = history(consent_shop_);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].status, ConsentStatus::kRet);
  EXPECT_EQ(events[1].withdrawal_channel, "platform");
  EXPECT_EQ(foldConsent(events).status, ConsentState::Status::kRet);
  EXPECT_EQ(foldConsent(history(evidence_shop_)).status, ConsentState::Status::kRet)
      << "a withdrawal counts even where grants are only evidence";
}

TEST_P(ConsentObservationsTest, EachObservationIsRecordedOnceAndABadOneBlocksNothing) {
  const core::EpochMillis now = clock_.nowMillis();
  observe(consent_shop_, "whatsapp", "subscribed", now + 24LL * 3600 * 1000);  // future: refused
  observe(consent_shop_, "whatsapp", "subscribed", now - 1000);
  ASSERT_EQ(*consumer_->runOnce(), 2);
  EXPECT_EQ(*consumer_->runOnce(), 0) << "the offset moved past both";
  auto events = history(consent_shop_);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event_at, now - 1000);

  // A consumer made later (a restart) resumes after them too.
  ConsentObservationConsumer restarted(db(), *ledger_, clock_, {});
  EXPECT_EQ(*restarted.runOnce(), 0);
  auto audit = db().querySession([](soci::session& s) { return audit_store::records(s, 1, 100); });
  ASSERT_TRUE(audit.isOk());
  EXPECT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].record.actor, "shop:woo");
}

CARTRELAY_STORE_SUITE(ConsentObservationsTest);

}  // namespace
}  // namespace cartrelay::compliance
