#include "core/store/domain_event_repo.h"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "core/store/database.h"
#include "core/store/shop_repo.h"
#include "tests/support/store_test_support.h"

namespace cartrelay::core::store {
namespace {

using model::DomainEvent;
using model::DomainEventKind;

class DomainEventRepoTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    openMigrated();
    auto shops =
        db().queryTransaction([&](soci::session& s) -> Result<std::pair<int64_t, int64_t>> {
          CARTRELAY_ASSIGN_OR_RETURN(auto acme,
                                     ShopRepo(clock_).ensure(s, "acme", model::Platform::kShopify));
          CARTRELAY_ASSIGN_OR_RETURN(
              auto other, ShopRepo(clock_).ensure(s, "other", model::Platform::kWooCommerce));
          return std::make_pair(acme, other);
        });
    ASSERT_TRUE(shops.isOk()) << shops.status().toString();
    shop_id_ = shops->first;
    other_shop_id_ = shops->second;
  }

  DomainEvent event(DomainEventKind kind, std::optional<std::int64_t> customer_id) const {
    DomainEvent e;
    e.shop_id = shop_id_;
    e.kind = kind;
    e.customer_id = customer_id;
    e.occurred_at_ms = 1'700'000'000'000;
    e.payload_json = R"({"financial_status":"paid","note":"çay ☕"})";
    return e;
  }

  Result<std::int64_t> append(const DomainEvent& e) {
    return db().queryTransaction([&](soci::session& s) { return events_.append(s, e); });
  }

  std::vector<DomainEvent> list(const DomainEventRepo::Filter& f) {
    auto got = db().querySession([&](soci::session& s) { return events_.list(s, f); });
    EXPECT_TRUE(got.isOk()) << got.status().toString();
    return got.isOk() ? *got : std::vector<DomainEvent>{};
  }

  static std::vector<std::int64_t> ids(const std::vector<DomainEvent>& events) {
    std::vector<std::int64_t> out;
    for (const DomainEvent& e : events) out.push_back(e.id);
    return out;
  }

  DomainEventRepo events_{clock_};
  std::int64_t shop_id_ = 0;
  std::int64_t other_shop_id_ = 0;
};

TEST_P(DomainEventRepoTest, AppendRoundTripsEveryField) {
  DomainEvent in = event(DomainEventKind::kOrderPaid, 7);
  in.cart_id = 11;
  in.order_id = 12;
  in.inbox_id = 13;
  in.subject_hash = std::string(64, 'a');
  in.created_at_ms = 1;  // ignored
  auto id = append(in);
  ASSERT_TRUE(id.isOk()) << id.status().toString();
  EXPECT_GT(*id, 0);

  DomainEvent expected = in;
  expected.id = *id;
  expected.created_at_ms = clock_.nowMillis();
  auto all = list({});
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0], expected);

  // The kind is stored as its name; absent references as NULL.
  DomainEvent bare = event(DomainEventKind::kProductUpdated, std::nullopt);
  bare.payload_json = "{}";
  ASSERT_TRUE(append(bare).isOk());
  auto rows = rawRows(
      "SELECT kind, customer_id, cart_id, order_id, subject_hash, inbox_id FROM domain_events"
      " ORDER BY id");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][0], "OrderPaid");
  EXPECT_EQ(rows[1], (std::vector<std::string>{"ProductUpdated", "<null>", "<null>", "<null>",
                                               "<null>", "<null>"}));
}

TEST_P(DomainEventRepoTest, IdsIncreaseInAppendOrder) {
  std::vector<std::int64_t> appended;
  for (int i = 0; i < 6; ++i) {
    clock_.advance(1);
    auto id = append(event(DomainEventKind::kCartUpdated, std::nullopt));
    ASSERT_TRUE(id.isOk()) << id.status().toString();
    if (!appended.empty()) {
      EXPECT_GT(*id, appended.back());
    }
    appended.push_back(*id);
  }
  auto all = list({});
  EXPECT_EQ(ids(all), appended);
  for (std::size_t i = 1; i < all.size(); ++i) {
    EXPECT_GT(all[i].created_at_ms, all[i - 1].created_at_ms);
  }

  // Keyset pagination resumes after the last id seen.
  DomainEventRepo::Filter page;
  page.limit = 4;
  auto first = list(page);
  ASSERT_EQ(first.size(), 4u);
  page.after_id = first.back().id;
  auto second = list(page);
  EXPECT_EQ(ids(second), (std::vector<std::int64_t>{appended[4], appended[5]}));
  page.after_id = second.back().id;
  EXPECT_TRUE(list(page).empty());
}

TEST_P(DomainEventRepoTest, FiltersByShopKindsAndCustomer) {
  auto a = append(event(DomainEventKind::kOrderPlaced, 1));
  auto b = append(event(DomainEventKind::kOrderPaid, 1));
  auto c = append(event(DomainEventKind::kCartUpdated, 2));
  DomainEvent foreign = event(DomainEventKind::kOrderPaid, 1);
  foreign.shop_id = other_shop_id_;
  auto d = append(foreign);
  auto e = append(event(DomainEventKind::kConsentObserved, std::nullopt));
  ASSERT_TRUE(a.isOk() && b.isOk() && c.isOk() && d.isOk() && e.isOk());

  DomainEventRepo::Filter by_shop;
  by_shop.shop_id = shop_id_;
  EXPECT_EQ(ids(list(by_shop)), (std::vector<std::int64_t>{*a, *b, *c, *e}));

  DomainEventRepo::Filter by_kinds;
  by_kinds.kinds = {DomainEventKind::kOrderPaid, DomainEventKind::kOrderPlaced,
                    DomainEventKind::kOrderPaid};
  EXPECT_EQ(ids(list(by_kinds)), (std::vector<std::int64_t>{*a, *b, *d}));

  DomainEventRepo::Filter combined = by_kinds;
  combined.shop_id = shop_id_;
  combined.customer_id = 1;
  combined.after_id = *a;
  EXPECT_EQ(ids(list(combined)), (std::vector<std::int64_t>{*b}));

  DomainEventRepo::Filter by_customer;
  by_customer.customer_id = 2;
  EXPECT_EQ(ids(list(by_customer)), (std::vector<std::int64_t>{*c}));

  DomainEventRepo::Filter none;
  none.kinds = std::vector<DomainEventKind>{};
  EXPECT_TRUE(list(none).empty());

  DomainEventRepo::Filter bad;
  bad.limit = 0;
  auto status = db().querySession([&](soci::session& s) { return events_.list(s, bad); });
  EXPECT_EQ(status.status().code(), Status::Code::kInvalidArgument);
}

TEST_P(DomainEventRepoTest, RejectsBadShopPayloadAndSubjectHash) {
  DomainEvent e = event(DomainEventKind::kCartUpdated, std::nullopt);
  e.shop_id = 0;
  EXPECT_EQ(append(e).status().code(), Status::Code::kInvalidArgument);
  e.shop_id = 987654;
  EXPECT_EQ(append(e).status().code(), Status::Code::kInvalidArgument);

  for (const char* payload :
       {"", "[]", "\"x\"", "42", "null", "{", "{\"a\":1} trailing", "{\"a\":\"\xC3(\"}"}) {
    e = event(DomainEventKind::kCartUpdated, std::nullopt);
    e.payload_json = payload;
    EXPECT_EQ(append(e).status().code(), Status::Code::kInvalidArgument) << payload;
  }
  e = event(DomainEventKind::kCartUpdated, std::nullopt);
  e.payload_json = "{\"big\":\"" + std::string(70'000, 'x') + "\"}";
  EXPECT_EQ(append(e).status().code(), Status::Code::kInvalidArgument);

  e = event(DomainEventKind::kConsentObserved, std::nullopt);
  e.subject_hash = "+905321234567";  // a raw phone must never land in the log
  EXPECT_EQ(append(e).status().code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(rawRows("SELECT id FROM domain_events").empty());
}

TEST_P(DomainEventRepoTest, AppendRollsBackWithItsTransaction) {
  Status status = db().withTransaction([&](soci::session& s) -> Status {
    auto id = events_.append(s, event(DomainEventKind::kOrderPlaced, std::nullopt));
    if (!id.isOk()) return id.status();
    return Status::unavailable("the change it describes failed");
  });
  EXPECT_EQ(status.code(), Status::Code::kUnavailable);
  EXPECT_TRUE(list({}).empty());
}

CARTRELAY_STORE_SUITE(DomainEventRepoTest);

}  // namespace
}  // namespace cartrelay::core::store
