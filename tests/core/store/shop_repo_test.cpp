#include "core/store/shop_repo.h"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "core/store/database.h"
#include "tests/support/store_test_support.h"

namespace cartrelay::core::store {
namespace {

using model::Platform;

class ShopRepoTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    openMigrated();
  }

  Result<std::int64_t> ensure(const std::string& name, Platform platform) {
    return db().queryTransaction(
        [&](soci::session& s) { return shops_.ensure(s, name, platform); });
  }

  ShopRepo shops_{clock_};
};

TEST_P(ShopRepoTest, EnsureIsIdempotent) {
  auto a = ensure("acme", Platform::kShopify);
  ASSERT_TRUE(a.isOk()) << a.status().toString();
  auto again = ensure("acme", Platform::kShopify);
  ASSERT_TRUE(again.isOk());
  EXPECT_EQ(*a, *again);
  auto b = ensure("Çiçekçi Ayşe's \"shop\"; DROP TABLE shops; --", Platform::kWooCommerce);
  ASSERT_TRUE(b.isOk()) << b.status().toString();
  EXPECT_NE(*a, *b);

  auto list = db().querySession([&](soci::session& s) { return shops_.list(s); });
  ASSERT_TRUE(list.isOk());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "acme");
  EXPECT_EQ((*list)[0].platform, Platform::kShopify);
  EXPECT_EQ((*list)[0].created_at_ms, clock_.nowMillis());
  EXPECT_EQ((*list)[1].name, "Çiçekçi Ayşe's \"shop\"; DROP TABLE shops; --");
  EXPECT_EQ((*list)[1].platform, Platform::kWooCommerce);
}

TEST_P(ShopRepoTest, PlatformNeverChangesAndNamesMustBeGiven) {
  ASSERT_TRUE(ensure("acme", Platform::kShopify).isOk());
  auto clash = ensure("acme", Platform::kWooCommerce);
  EXPECT_EQ(clash.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(clash.status().message().find("shopify"), std::string::npos);
  EXPECT_EQ(ensure("", Platform::kShopify).status().code(), Status::Code::kInvalidArgument);
}

TEST_P(ShopRepoTest, FindByName) {
  auto id = ensure("acme", Platform::kShopify);
  ASSERT_TRUE(id.isOk());
  auto found = db().querySession([&](soci::session& s) { return shops_.findByName(s, "acme"); });
  ASSERT_TRUE(found.isOk());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, *id);
  auto missing = db().querySession([&](soci::session& s) { return shops_.findByName(s, "ACME"); });
  ASSERT_TRUE(missing.isOk());
  EXPECT_FALSE(missing->has_value());  // byte-exact names on both engines
}

CARTRELAY_STORE_SUITE(ShopRepoTest);

}  // namespace
}  // namespace cartrelay::core::store
