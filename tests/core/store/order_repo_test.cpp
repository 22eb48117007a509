#include "core/store/order_repo.h"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "core/store/customer_repo.h"
#include "core/store/database.h"
#include "core/store/shop_repo.h"
#include "tests/support/store_test_support.h"

namespace cartrelay::core::store {
namespace {

using model::Order;
using model::OrderItem;

class OrderRepoTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    openMigrated();
    auto ids = db().queryTransaction([&](soci::session& s) -> Result<std::pair<int64_t, int64_t>> {
      CARTRELAY_ASSIGN_OR_RETURN(auto shop,
                                 ShopRepo(clock_).ensure(s, "acme", model::Platform::kWooCommerce));
      model::Customer c;
      c.shop_id = shop;
      c.platform_customer_id = "42";
      c.first_name = "Zeynep";
      CARTRELAY_ASSIGN_OR_RETURN(auto customer, CustomerRepo(*keys_, clock_).upsert(s, c));
      return std::make_pair(shop, customer.id);
    });
    ASSERT_TRUE(ids.isOk()) << ids.status().toString();
    shop_id_ = ids->first;
    customer_id_ = ids->second;
  }

  Order order(const std::string& platform_id, std::int64_t updated) const {
    Order o;
    o.shop_id = shop_id_;
    o.platform_order_id = platform_id;
    o.name = "#" + platform_id;
    o.customer_id = customer_id_;
    o.checkout_token = "chk-" + platform_id;
    o.total = {129900, "TRY"};
    o.financial_status = "paid";
    o.fulfillment_status = "unfulfilled";
    o.placed_at_ms = 1'700'000'000'000;
    o.platform_updated_at_ms = updated;
    o.items = {OrderItem{0, "p1", "v1", "Kilim yastık kılıfı — el dokuması", 1, 129900}};
    return o;
  }

  Result<UpsertResult> upsert(const Order& o) {
    return db().queryTransaction([&](soci::session& s) { return orders_.upsert(s, o); });
  }

  std::optional<Order> load(std::int64_t id) {
    auto got = db().querySession([&](soci::session& s) { return orders_.load(s, id); });
    EXPECT_TRUE(got.isOk()) << got.status().toString();
    return got.isOk() ? *got : std::nullopt;
  }

  OrderRepo orders_{clock_};
  std::int64_t shop_id_ = 0;
  std::int64_t customer_id_ = 0;
};

TEST_P(OrderRepoTest, RoundTrip) {
  Order in = order("1001", 5000);
  in.cancelled_at_ms = 1'700'000'500'000;
  in.cart_token = "cart'tok\"en";
  auto up = upsert(in);
  ASSERT_TRUE(up.isOk()) << up.status().toString();
  Order expected = in;
  expected.id = up->id;
  expected.created_at_ms = clock_.nowMillis();
  expected.updated_at_ms = clock_.nowMillis();
  auto loaded = load(up->id);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(*loaded, expected);

  // Optional fields left empty come back empty.
  Order bare = order("1002", 1);
  bare.customer_id.reset();
  bare.checkout_token.clear();
  bare.items.clear();
  auto up2 = upsert(bare);
  ASSERT_TRUE(up2.isOk()) << up2.status().toString();
  auto loaded2 = load(up2->id);
  ASSERT_TRUE(loaded2);
  EXPECT_FALSE(loaded2->customer_id);
  EXPECT_TRUE(loaded2->checkout_token.empty());
  EXPECT_FALSE(loaded2->cancelled_at_ms);
  EXPECT_TRUE(loaded2->items.empty());
}

TEST_P(OrderRepoTest, OlderUpdateNeverOverwritesNewer) {
  auto first = upsert(order("1001", 5000));
  ASSERT_TRUE(first.isOk());
  Order refunded = order("1001", 6000);
  refunded.financial_status = "refunded";
  ASSERT_TRUE(upsert(refunded)->applied);
  Order stale = order("1001", 5500);
  stale.financial_status = "paid";
  auto r = upsert(stale);
  ASSERT_TRUE(r.isOk());
  EXPECT_FALSE(r->applied);
  EXPECT_EQ(r->id, first->id);
  EXPECT_EQ(load(first->id)->financial_status, "refunded");
}

TEST_P(OrderRepoTest, ListByCustomerAndCheckoutToken) {
  ASSERT_TRUE(upsert(order("1", 1)).isOk());
  ASSERT_TRUE(upsert(order("2", 1)).isOk());
  Order other = order("3", 1);
  other.customer_id.reset();
  ASSERT_TRUE(upsert(other).isOk());

  OrderRepo::Filter by_customer;
  by_customer.customer_id = customer_id_;
  auto mine = db().querySession([&](soci::session& s) { return orders_.list(s, by_customer); });
  ASSERT_TRUE(mine.isOk()) << mine.status().toString();
  EXPECT_EQ(mine->size(), 2u);

  OrderRepo::Filter by_token;
  by_token.shop_id = shop_id_;
  by_token.checkout_token = "chk-2";
  auto token = db().querySession([&](soci::session& s) { return orders_.list(s, by_token); });
  ASSERT_TRUE(token.isOk());
  ASSERT_EQ(token->size(), 1u);
  EXPECT_EQ((*token)[0].platform_order_id, "2");
  EXPECT_EQ((*token)[0].items.size(), 1u);

  auto missing = db().querySession(
      [&](soci::session& s) { return orders_.findByPlatformId(s, shop_id_, "nope"); });
  ASSERT_TRUE(missing.isOk());
  EXPECT_FALSE(missing->has_value());
}

TEST_P(OrderRepoTest, UnknownCustomerIsInvalidArgument) {
  Order o = order("1", 1);
  o.customer_id = 987654;
  EXPECT_EQ(upsert(o).status().code(), Status::Code::kInvalidArgument);
  o = order("", 1);
  EXPECT_EQ(upsert(o).status().code(), Status::Code::kInvalidArgument);
}

TEST_P(OrderRepoTest, RemoveDeletesTheOrderAndItsItems) {
  auto keep = upsert(order("1", 1));
  auto gone = upsert(order("2", 1));
  ASSERT_TRUE(keep.isOk() && gone.isOk());
  auto remove = [&](std::int64_t shop, const std::string& platform_id) {
    return db().queryTransaction(
        [&](soci::session& s) { return orders_.remove(s, shop, platform_id); });
  };

  auto removed = remove(shop_id_, "2");
  ASSERT_TRUE(removed.isOk()) << removed.status().toString();
  EXPECT_TRUE(*removed);
  EXPECT_FALSE(load(gone->id));
  EXPECT_TRUE(
      rawRows("SELECT line FROM order_items WHERE order_id = " + std::to_string(gone->id)).empty());
  auto kept = load(keep->id);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->items.size(), 1u);

  // A redelivered deletion, an unknown id or another shop's id removes nothing.
  auto again = remove(shop_id_, "2");
  ASSERT_TRUE(again.isOk());
  EXPECT_FALSE(*again);
  auto other_shop = remove(shop_id_ + 1000, "1");
  ASSERT_TRUE(other_shop.isOk());
  EXPECT_FALSE(*other_shop);
  EXPECT_TRUE(load(keep->id));

  // The platform may recreate it later; it becomes a new row.
  auto back = upsert(order("2", 2));
  ASSERT_TRUE(back.isOk());
  EXPECT_TRUE(back->applied);
  EXPECT_NE(back->id, gone->id);
}

CARTRELAY_STORE_SUITE(OrderRepoTest);

}  // namespace
}  // namespace cartrelay::core::store
