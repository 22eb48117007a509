#include "core/store/product_repo.h"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "core/store/database.h"
#include "core/store/shop_repo.h"
#include "tests/support/store_test_support.h"

namespace cartrelay::core::store {
namespace {

using model::Product;

class ProductRepoTest : public testing::StoreTest {
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

  Product product(const std::string& platform_id, std::int64_t updated) const {
    Product p;
    p.shop_id = shop_id_;
    p.platform_product_id = platform_id;
    p.title = "Çay bardağı seti (6'lı) ☕";
    p.product_type = "Mutfak";
    p.categories = {"Ev, Yaşam", "Çay \"&\" Kahve", "", "[not json]"};
    p.tags = {"yeni", "indirim,50"};
    p.platform_updated_at_ms = updated;
    return p;
  }

  Result<UpsertResult> upsert(const Product& p) {
    return db().queryTransaction([&](soci::session& s) { return products_.upsert(s, p); });
  }

  std::optional<Product> find(std::int64_t shop_id, const std::string& platform_id) {
    auto got = db().querySession(
        [&](soci::session& s) { return products_.findByPlatformId(s, shop_id, platform_id); });
    EXPECT_TRUE(got.isOk()) << got.status().toString();
    return got.isOk() ? *got : std::nullopt;
  }

  Result<std::vector<Product>> list(const ProductRepo::Filter& f) {
    return db().querySession([&](soci::session& s) { return products_.list(s, f); });
  }

  ProductRepo products_{clock_};
  std::int64_t shop_id_ = 0;
  std::int64_t other_shop_id_ = 0;
};

TEST_P(ProductRepoTest, RoundTripKeepsCategoriesAndTagsExactly) {
  Product in = product("gid://shopify/Product/1", 1'700'000'000'000);
  auto up = upsert(in);
  ASSERT_TRUE(up.isOk()) << up.status().toString();
  EXPECT_TRUE(up->applied);
  EXPECT_GT(up->id, 0);

  Product expected = in;
  expected.id = up->id;
  expected.created_at_ms = clock_.nowMillis();
  expected.updated_at_ms = clock_.nowMillis();
  auto found = find(shop_id_, in.platform_product_id);
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, expected);

  // Stored as JSON arrays of strings.
  auto rows = rawRows("SELECT categories_json, tags_json FROM products");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][1], R"(["yeni","indirim,50"])");

  // No categories or tags at all come back empty, not as one empty string.
  Product bare = product("2", 1);
  bare.categories.clear();
  bare.tags.clear();
  bare.product_type.clear();
  ASSERT_TRUE(upsert(bare).isOk());
  auto loaded = find(shop_id_, "2");
  ASSERT_TRUE(loaded);
  EXPECT_TRUE(loaded->categories.empty());
  EXPECT_TRUE(loaded->tags.empty());
  EXPECT_TRUE(loaded->product_type.empty());
}

TEST_P(ProductRepoTest, StaleUpdateIsIgnoredEqualAndNewerApply) {
  auto first = upsert(product("1", 2000));
  ASSERT_TRUE(first.isOk()) << first.status().toString();

  clock_.advance(1000);
  Product stale = product("1", 1999);
  stale.title = "stale";
  stale.categories = {"stale"};
  auto second = upsert(stale);
  ASSERT_TRUE(second.isOk()) << second.status().toString();
  EXPECT_EQ(*second, (UpsertResult{first->id, false}));
  auto kept = find(shop_id_, "1");
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->title, product("1", 0).title);
  EXPECT_EQ(kept->categories, product("1", 0).categories);
  EXPECT_EQ(kept->updated_at_ms, kept->created_at_ms);  // nothing written

  Product same = product("1", 2000);
  same.title = "redelivered";
  auto third = upsert(same);
  ASSERT_TRUE(third.isOk());
  EXPECT_EQ(*third, (UpsertResult{first->id, true}));
  EXPECT_EQ(find(shop_id_, "1")->title, "redelivered");

  Product newer = product("1", 3000);
  newer.tags = {"kış"};
  auto fourth = upsert(newer);
  ASSERT_TRUE(fourth.isOk());
  EXPECT_TRUE(fourth->applied);
  auto loaded = find(shop_id_, "1");
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->tags, std::vector<std::string>{"kış"});
  EXPECT_EQ(loaded->platform_updated_at_ms, 3000);
  EXPECT_EQ(loaded->updated_at_ms, clock_.nowMillis());
  EXPECT_EQ(rawRows("SELECT id FROM products").size(), 1u);
}

TEST_P(ProductRepoTest, SamePlatformIdInTwoShopsIsTwoProducts) {
  auto a = upsert(product("1", 1));
  Product b_in = product("1", 1);
  b_in.shop_id = other_shop_id_;
  b_in.title = "other shop";
  auto b = upsert(b_in);
  ASSERT_TRUE(a.isOk() && b.isOk());
  EXPECT_NE(a->id, b->id);
  EXPECT_EQ(find(other_shop_id_, "1")->title, "other shop");
  EXPECT_FALSE(find(shop_id_, "nope"));
}

TEST_P(ProductRepoTest, ListIsPerShopAndPaginatesById) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(upsert(product("p" + std::to_string(i), 1)).isOk());
  Product foreign = product("p9", 1);
  foreign.shop_id = other_shop_id_;
  ASSERT_TRUE(upsert(foreign).isOk());

  ProductRepo::Filter page;
  page.shop_id = shop_id_;
  page.limit = 2;
  std::vector<std::string> seen;
  for (int round = 0; round < 5; ++round) {
    auto got = list(page);
    ASSERT_TRUE(got.isOk()) << got.status().toString();
    if (got->empty()) break;
    EXPECT_LE(got->size(), 2u);
    for (const Product& p : *got) {
      EXPECT_GT(p.id, page.after_id);
      EXPECT_EQ(p.shop_id, shop_id_);
      seen.push_back(p.platform_product_id);
    }
    page.after_id = got->back().id;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"p0", "p1", "p2", "p3", "p4"}));

  ProductRepo::Filter bad;
  EXPECT_EQ(list(bad).status().code(), Status::Code::kInvalidArgument);  // no shop
  bad.shop_id = shop_id_;
  bad.limit = 10001;
  EXPECT_EQ(list(bad).status().code(), Status::Code::kInvalidArgument);
}

TEST_P(ProductRepoTest, RejectsMissingIdentityUnknownShopAndBadText) {
  Product p = product("", 1);
  EXPECT_EQ(upsert(p).status().code(), Status::Code::kInvalidArgument);
  p = product("1", 1);
  p.shop_id = 0;
  EXPECT_EQ(upsert(p).status().code(), Status::Code::kInvalidArgument);
  p.shop_id = 987654;
  EXPECT_EQ(upsert(p).status().code(), Status::Code::kInvalidArgument);
  p = product("1", 1);
  p.tags = {"ok", "bad \xC3("};
  EXPECT_EQ(upsert(p).status().code(), Status::Code::kInvalidArgument);
  p = product("1", 1);
  p.title = "bad \xFF";
  EXPECT_EQ(upsert(p).status().code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(rawRows("SELECT id FROM products").empty());

  p = product("1'); DELETE FROM products; --", 1);
  ASSERT_TRUE(upsert(p).isOk());
  EXPECT_TRUE(find(shop_id_, p.platform_product_id));
}

CARTRELAY_STORE_SUITE(ProductRepoTest);

}  // namespace
}  // namespace cartrelay::core::store
