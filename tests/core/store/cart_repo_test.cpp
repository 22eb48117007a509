#include "core/store/cart_repo.h"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "core/store/customer_repo.h"
#include "core/store/database.h"
#include "core/store/shop_repo.h"
#include "tests/support/store_test_support.h"

namespace cartrelay::core::store {
namespace {

using model::Cart;
using model::CartItem;
using model::CartState;

class CartRepoTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    openMigrated();
    carts_.emplace(*keys_, clock_);
    auto shop = db().queryTransaction([&](soci::session& s) {
      return ShopRepo(clock_).ensure(s, "acme", model::Platform::kShopify);
    });
    ASSERT_TRUE(shop.isOk()) << shop.status().toString();
    shop_id_ = *shop;
  }

  Cart cart(const std::string& platform_id, std::int64_t updated) const {
    Cart c;
    c.shop_id = shop_id_;
    c.platform_cart_id = platform_id;
    c.cart_token = "ct-" + platform_id;
    c.total = {64990, "TRY"};
    c.recovery_url = "https://acme.example/checkouts/" + platform_id + "/recover?key=s3cr3t";
    c.contact_captured = true;
    c.state = CartState::kOpen;
    c.platform_created_at_ms = 1'700'000'000'000;
    c.platform_updated_at_ms = updated;
    c.items = {CartItem{0, "p1", "v1", "Çay bardağı seti (6'lı) ☕", 2, 12500},
               CartItem{1, "p2", "v2", "Türk kahvesi \"Lokum\" 🍬", 1, 39990}};
    return c;
  }

  Result<UpsertResult> upsert(const Cart& c) {
    return db().queryTransaction([&](soci::session& s) { return carts_->upsert(s, c); });
  }

  std::optional<Cart> load(std::int64_t id) {
    auto got = db().querySession([&](soci::session& s) { return carts_->load(s, id); });
    EXPECT_TRUE(got.isOk()) << got.status().toString();
    return got.isOk() ? *got : std::nullopt;
  }

  std::vector<Cart> list(const CartRepo::Filter& f) {
    auto got = db().querySession([&](soci::session& s) { return carts_->list(s, f); });
    EXPECT_TRUE(got.isOk()) << got.status().toString();
    return got.isOk() ? *got : std::vector<Cart>{};
  }

  std::optional<CartRepo> carts_;
  std::int64_t shop_id_ = 0;
};

TEST_P(CartRepoTest, RoundTripWithItems) {
  Cart in = cart("tok-1", 1'700'000'100'000);
  auto up = upsert(in);
  ASSERT_TRUE(up.isOk()) << up.status().toString();
  EXPECT_TRUE(up->applied);
  auto loaded = load(up->id);
  ASSERT_TRUE(loaded);
  Cart expected = in;
  expected.id = up->id;
  expected.created_at_ms = clock_.nowMillis();
  expected.updated_at_ms = clock_.nowMillis();
  EXPECT_EQ(*loaded, expected);

  auto found = db().querySession(
      [&](soci::session& s) { return carts_->findByPlatformId(s, shop_id_, "tok-1"); });
  ASSERT_TRUE(found.isOk());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, up->id);
}

TEST_P(CartRepoTest, RecoveryUrlIsEncryptedAtRest) {
  auto up = upsert(cart("tok-1", 1));
  ASSERT_TRUE(up.isOk());
  for (const auto& row : rawRows("SELECT * FROM carts")) {
    for (const std::string& cell : row) {
      EXPECT_EQ(cell.find("s3cr3t"), std::string::npos) << cell;
      EXPECT_EQ(cell.find("https://"), std::string::npos) << cell;
    }
  }
}

TEST_P(CartRepoTest, OlderUpdateIsIgnoredEqualOrNewerApplies) {
  auto first = upsert(cart("tok-1", 2000));
  ASSERT_TRUE(first.isOk());

  Cart stale = cart("tok-1", 1000);
  stale.total = {1, "TRY"};
  stale.items.clear();
  auto second = upsert(stale);
  ASSERT_TRUE(second.isOk());
  EXPECT_FALSE(second->applied);
  EXPECT_EQ(second->id, first->id);
  EXPECT_EQ(load(first->id)->total.minor, 64990);
  EXPECT_EQ(load(first->id)->items.size(), 2u);

  Cart same = cart("tok-1", 2000);
  same.state = CartState::kCompleted;
  auto third = upsert(same);
  ASSERT_TRUE(third.isOk());
  EXPECT_TRUE(third->applied);

  Cart newer = cart("tok-1", 3000);
  newer.items = {CartItem{7, "p9", "v9", "Lokum", 3, 5000}};
  newer.recovery_url.clear();
  auto fourth = upsert(newer);
  ASSERT_TRUE(fourth.isOk());
  EXPECT_TRUE(fourth->applied);
  auto loaded = load(first->id);
  ASSERT_TRUE(loaded);
  ASSERT_EQ(loaded->items.size(), 1u);
  EXPECT_EQ(loaded->items[0].line, 0);  // renumbered to the position
  EXPECT_EQ(loaded->items[0].title, "Lokum");
  EXPECT_TRUE(loaded->recovery_url.empty());
  EXPECT_EQ(loaded->state, CartState::kOpen);
  EXPECT_EQ(rawRows("SELECT cart_id FROM cart_items").size(), 1u);
}

TEST_P(CartRepoTest, ListFiltersAndPaginates) {
  for (int i = 0; i < 5; ++i) {
    Cart c = cart("tok-" + std::to_string(i), 1000 + i);
    if (i == 4) c.state = CartState::kCompleted;
    ASSERT_TRUE(upsert(c).isOk());
  }
  CartRepo::Filter open;
  open.state = CartState::kOpen;
  EXPECT_EQ(list(open).size(), 4u);

  CartRepo::Filter idle = open;
  idle.updated_before_ms = 1002;
  auto idle_carts = list(idle);
  ASSERT_EQ(idle_carts.size(), 2u);
  EXPECT_EQ(idle_carts[0].platform_cart_id, "tok-0");
  EXPECT_EQ(idle_carts[1].items.size(), 2u);

  CartRepo::Filter page;
  page.limit = 2;
  auto p1 = list(page);
  ASSERT_EQ(p1.size(), 2u);
  page.after_id = p1.back().id;
  auto p2 = list(page);
  ASSERT_EQ(p2.size(), 2u);
  EXPECT_GT(p2.front().id, p1.back().id);

  page.limit = 0;
  auto bad = db().querySession([&](soci::session& s) { return carts_->list(s, page); });
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
}

TEST_P(CartRepoTest, SetStateAndUnknownReferences) {
  auto up = upsert(cart("tok-1", 1));
  ASSERT_TRUE(up.isOk());
  ASSERT_TRUE(db().withTransaction([&](soci::session& s) {
                    return carts_->setState(s, up->id, CartState::kCompleted);
                  })
                  .isOk());
  EXPECT_EQ(load(up->id)->state, CartState::kCompleted);
  EXPECT_EQ(db().withTransaction([&](soci::session& s) {
                  return carts_->setState(s, 424242, CartState::kDeleted);
                })
                .code(),
            Status::Code::kNotFound);

  Cart orphan = cart("tok-2", 1);
  orphan.customer_id = 999999;
  EXPECT_EQ(upsert(orphan).status().code(), Status::Code::kInvalidArgument);
  Cart no_shop = cart("tok-3", 1);
  no_shop.shop_id = 999999;
  EXPECT_EQ(upsert(no_shop).status().code(), Status::Code::kInvalidArgument);
}

TEST_P(CartRepoTest, UpsertInsideAFailedTransactionLeavesNothing) {
  Status status = db().withTransaction([&](soci::session& s) -> Status {
    auto up = carts_->upsert(s, cart("tok-1", 1));
    if (!up.isOk()) return up.status();
    return Status::unavailable("simulated failure after the write");
  });
  EXPECT_EQ(status.code(), Status::Code::kUnavailable);
  EXPECT_TRUE(rawRows("SELECT id FROM carts").empty());
  EXPECT_TRUE(rawRows("SELECT cart_id FROM cart_items").empty());
}

TEST_P(CartRepoTest, CartTokenRoundTripsAndFindsTheNewestCheckout) {
  // Two checkouts of one Shopify cart share its cart token.
  Cart older = cart("chk-1", 1000);
  older.cart_token = "c1-shared";
  Cart newer = cart("chk-2", 2000);
  newer.cart_token = "c1-shared";
  auto up_newer = upsert(newer);
  auto up_older = upsert(older);  // inserted later, but older on the platform
  ASSERT_TRUE(up_newer.isOk() && up_older.isOk());
  EXPECT_EQ(load(up_older->id)->cart_token, "c1-shared");

  auto find = [&](std::int64_t shop, const std::string& token) {
    auto got = db().querySession(
        [&](soci::session& s) { return carts_->findByCartToken(s, shop, token); });
    EXPECT_TRUE(got.isOk()) << got.status().toString();
    return got.isOk() ? *got : std::nullopt;
  };
  auto found = find(shop_id_, "c1-shared");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, up_newer->id);
  EXPECT_EQ(found->items.size(), 2u);

  // The older checkout moves ahead once the platform updates it.
  ASSERT_TRUE(upsert(cart("chk-1", 3000)).isOk());  // token changes to "ct-chk-1"
  Cart again = cart("chk-1", 4000);
  again.cart_token = "c1-shared";
  ASSERT_TRUE(upsert(again).isOk());
  EXPECT_EQ(find(shop_id_, "c1-shared")->id, up_older->id);

  EXPECT_FALSE(find(shop_id_, "nope"));
  EXPECT_FALSE(find(shop_id_, ""));
  auto other_shop = db().queryTransaction([&](soci::session& s) {
    return ShopRepo(clock_).ensure(s, "other", model::Platform::kShopify);
  });
  ASSERT_TRUE(other_shop.isOk());
  EXPECT_FALSE(find(*other_shop, "c1-shared"));

  // An empty token is stored as NULL and comes back empty.
  Cart no_token = cart("chk-3", 1);
  no_token.cart_token.clear();
  auto up = upsert(no_token);
  ASSERT_TRUE(up.isOk());
  EXPECT_TRUE(load(up->id)->cart_token.empty());
  auto rows = rawRows("SELECT cart_token FROM carts WHERE platform_cart_id = 'chk-3'");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], "<null>");
}

CARTRELAY_STORE_SUITE(CartRepoTest);

}  // namespace
}  // namespace cartrelay::core::store
