#include "compliance/retention.h"

#include <memory>

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "compliance/audit_store.h"
#include "compliance/audit_verifier.h"
#include "compliance/consent_ledger.h"
#include "core/store/cart_repo.h"
#include "core/store/customer_repo.h"
#include "core/store/order_repo.h"
#include "core/store/shop_repo.h"
#include "tests/support/store_test_support.h"

// The destruction job on both backends: each class goes exactly when its
// period has passed, a dry run changes nothing, every destruction is in the
// audit chain and the chain still verifies.
namespace cartrelay::compliance {
namespace {

constexpr std::int64_t kDay = 24LL * 3600 * 1000;

class RetentionTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    openMigrated();
    now_ = clock_.nowMillis();
    auto shop = db().queryTransaction([&](soci::session& s) {
      return core::store::ShopRepo(clock_).ensure(s, "acme", core::model::Platform::kShopify);
    });
    ASSERT_TRUE(shop.isOk());
    shop_ = *shop;
    policy_ = {30 * kDay, 90 * kDay, 1095 * kDay, 365 * kDay, 1095 * kDay, 365 * kDay, 730 * kDay};
    seed();
  }

  void seed() {
    core::store::CartRepo carts(*keys_, clock_);
    core::store::OrderRepo orders(clock_);
    core::store::CustomerRepo customers(*keys_, clock_);
    ConsentLedger ledger(*keys_, clock_, audit_);
    core::Status st = db().withTransaction([&](soci::session& s) -> core::Status {
      auto cart = [&](const char* id, core::model::CartState state, core::EpochMillis at) {
        core::model::Cart c;
        c.shop_id = shop_;
        c.platform_cart_id = id;
        c.total = {100, "TRY"};
        c.state = state;
        c.platform_created_at_ms = at;
        c.platform_updated_at_ms = at;
        return carts.upsert(s, c).status();
      };
      CARTRELAY_RETURN_IF_ERROR(cart("old-open", core::model::CartState::kOpen, now_ - 31 * kDay));
      CARTRELAY_RETURN_IF_ERROR(cart("new-open", core::model::CartState::kOpen, now_ - 29 * kDay));
      CARTRELAY_RETURN_IF_ERROR(
          cart("old-bought", core::model::CartState::kCompleted, now_ - 60 * kDay));
      auto order = [&](const char* id, core::EpochMillis placed) {
        core::model::Order o;
        o.shop_id = shop_;
        o.platform_order_id = id;
        o.total = {100, "TRY"};
        o.financial_status = "paid";
        o.fulfillment_status = "unfulfilled";
        o.placed_at_ms = placed;
        o.platform_updated_at_ms = placed;
        return orders.upsert(s, o).status();
      };
      CARTRELAY_RETURN_IF_ERROR(order("old", now_ - 366 * kDay));
      CARTRELAY_RETURN_IF_ERROR(order("new", now_ - 364 * kDay));
      for (const char* id : {"dormant", "active"}) {
        core::model::Customer c;
        c.shop_id = shop_;
        c.platform_customer_id = id;
        c.email = std::string(id) + "@example.com";
        c.platform_updated_at_ms = 1;
        CARTRELAY_RETURN_IF_ERROR(customers.upsert(s, c).status());
      }
      s << "UPDATE customers SET updated_at_ms = :t WHERE platform_customer_id = 'dormant'",
          soci::use(now_ - 731 * kDay);
      auto outbox = [&](const char* cls_text, core::EpochMillis at) {
        std::string cls = cls_text;
        s << "INSERT INTO outbox (shop_id, subject_ref, journey, step, template, purpose,"
             " purpose_class, decision, audit_seq, state, data_key, recipient_enc, params_enc,"
             " created_at_ms, updated_at_ms) VALUES (:shop, 'ab', '', '', 't', 'campaign', :c,"
             " 'ALLOW', 0, 'sent', 'k', 'r', 'p', :t, :t2)",
            soci::use(shop_), soci::use(cls), soci::use(at), soci::use(at);
        long long id = 0;
        s.get_last_insert_id("outbox", id);
        return static_cast<std::int64_t>(id);
      };
      const std::int64_t deleted = outbox("COMMERCIAL", now_ - 1096 * kDay);
      const std::int64_t cleared = outbox("COMMERCIAL", now_ - 91 * kDay);
      const std::int64_t kept = outbox("COMMERCIAL", now_ - 89 * kDay);
      outbox("TRANSACTIONAL", now_ - 366 * kDay);
      // Tracked links, each clicked twice: of the deleted record, of the
      // cleared one, an expired and a live one of the kept one.
      auto link = [&](const char* hash, std::int64_t outbox_id, core::EpochMillis expires) {
        std::string h = hash;
        std::int64_t created = now_ - 100 * kDay;
        s << "INSERT INTO tracked_links (token_hash, outbox_id, target_enc, created_at_ms,"
             " expires_at_ms, clicks) VALUES (:h, :o, 'sealed', :c, :e, 2)",
            soci::use(h), soci::use(outbox_id), soci::use(created), soci::use(expires);
      };
      link("of-deleted", deleted, now_ + kDay);
      link("of-cleared", cleared, now_ + kDay);
      link("expired", kept, now_ - 1);
      link("live", kept, now_ + kDay);
      auto consent = [&](char who, ConsentStatus status, core::EpochMillis at) {
        ConsentEvent e;
        e.subject_ref = std::string(64, who);
        e.status = status;
        e.event_type = status == ConsentStatus::kOnay ? "GRANT" : "WITHDRAW";
        e.source = "HS_WEB";
        e.event_at = at;
        return ledger.record(s, shop_, e, "", nlohmann::json::object(), "cli").status();
      };
      // a: withdrew long ago; b: withdrew recently; c: withdrew long ago
      // but said yes again since.
      CARTRELAY_RETURN_IF_ERROR(consent('a', ConsentStatus::kOnay, now_ - 2000 * kDay));
      CARTRELAY_RETURN_IF_ERROR(consent('a', ConsentStatus::kRet, now_ - 1100 * kDay));
      CARTRELAY_RETURN_IF_ERROR(consent('b', ConsentStatus::kRet, now_ - 100 * kDay));
      CARTRELAY_RETURN_IF_ERROR(consent('c', ConsentStatus::kRet, now_ - 1100 * kDay));
      CARTRELAY_RETURN_IF_ERROR(consent('c', ConsentStatus::kOnay, now_ - 10 * kDay));
      return core::Status::ok();
    });
    ASSERT_TRUE(st.isOk()) << st.toString();
  }

  std::map<std::string, std::int64_t> run(bool dry_run) {
    RetentionJob job(db(), clock_, audit_, policy_);
    auto result = job.run(dry_run, "cli");
    EXPECT_TRUE(result.isOk()) << result.status().toString();
    std::map<std::string, std::int64_t> rows;
    if (result.isOk()) {
      for (const auto& c : *result) rows[c.data_class] = c.rows;
    }
    return rows;
  }

  std::size_t count(const std::string& sql) { return rawRows(sql).size(); }

  AuditLog audit_{clock_};
  RetentionPolicy policy_;
  std::int64_t shop_ = 0;
  core::EpochMillis now_ = 0;
};

TEST_P(RetentionTest, EachClassGoesWhenItsPeriodHasPassed) {
  const std::map<std::string, std::int64_t> expected = {{"carts", 1},
                                                        {"message_content", 3},
                                                        {"commercial_records", 1},
                                                        {"transactional_records", 1},
                                                        {"tracked_link_targets", 3},
                                                        {"tracked_links", 1},
                                                        {"consent_proof", 2},
                                                        {"orders", 1},
                                                        {"inactive_customers", 1}};
  const std::size_t audit_before = count("SELECT seq FROM audit_log");
  // A dry run counts each class against the store as it is: the links of
  // messages whose content or record would go first are not counted.
  std::map<std::string, std::int64_t> dry = expected;
  dry["tracked_link_targets"] = 1;
  dry["tracked_links"] = 0;
  EXPECT_EQ(run(/*dry_run=*/true), dry);
  EXPECT_EQ(count("SELECT id FROM carts"), 3u) << "a dry run changes nothing";
  EXPECT_EQ(count("SELECT seq FROM audit_log"), audit_before);

  EXPECT_EQ(run(/*dry_run=*/false), expected);
  EXPECT_EQ(count("SELECT platform_cart_id FROM carts WHERE platform_cart_id = 'old-open'"), 0u);
  EXPECT_EQ(count("SELECT id FROM carts"), 2u) << "the recent and the bought cart stay";
  EXPECT_EQ(count("SELECT id FROM orders"), 1u);
  EXPECT_EQ(count("SELECT id FROM outbox"), 2u) << "the 3-year and 1-year records went";
  EXPECT_EQ(count("SELECT id FROM outbox WHERE params_enc IS NOT NULL"), 1u)
      << "only the 89-day-old message keeps its content";
  EXPECT_EQ(count("SELECT id FROM consent_events"), 3u) << "b's proof and c's history stay";
  EXPECT_EQ(count("SELECT id FROM customers WHERE data_key IS NULL"), 1u);
  EXPECT_EQ(rawRows("SELECT token_hash FROM tracked_links WHERE target_enc IS NOT NULL"),
            (std::vector<std::vector<std::string>>{{"live"}}))
      << "no target outlives its link or its message's content";
  EXPECT_EQ(count("SELECT token_hash FROM tracked_links WHERE clicks = 2"), 3u)
      << "the click counts stay with the send records that stay";

  // Nine destruction records, and the chain is intact.
  EXPECT_EQ(count("SELECT seq FROM audit_log WHERE kind = 'retention.destroyed'"), 9u);
  auto report = verifyAuditChain(db(), "");
  ASSERT_TRUE(report.isOk());
  EXPECT_EQ(report->outcome, AuditVerifyReport::Outcome::kIntact) << report->reason;

  // A second run finds nothing left to do.
  for (const auto& [cls, rows] : run(false)) EXPECT_EQ(rows, 0) << cls;
}

CARTRELAY_STORE_SUITE(RetentionTest);

}  // namespace
}  // namespace cartrelay::compliance
