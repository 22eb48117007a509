#include "core/store/poll_cursor_repo.h"

#include <thread>

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "core/store/database.h"
#include "core/store/shop_repo.h"
#include "tests/support/store_test_support.h"

namespace cartrelay::core::store {
namespace {

class PollCursorRepoTest : public testing::StoreTest {
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

  std::optional<std::string> get(Database& db, std::int64_t shop, const std::string& resource) {
    auto got = db.querySession([&](soci::session& s) { return cursors_.get(s, shop, resource); });
    EXPECT_TRUE(got.isOk()) << got.status().toString();
    return got.isOk() ? *got : std::nullopt;
  }
  std::optional<std::string> get(std::int64_t shop, const std::string& resource) {
    return get(db(), shop, resource);
  }

  Status put(Database& db, std::int64_t shop, const std::string& resource,
             const std::string& cursor) {
    return db.withTransaction(
        [&](soci::session& s) { return cursors_.put(s, shop, resource, cursor); });
  }
  Status put(std::int64_t shop, const std::string& resource, const std::string& cursor) {
    return put(db(), shop, resource, cursor);
  }

  PollCursorRepo cursors_{clock_};
  std::int64_t shop_id_ = 0;
  std::int64_t other_shop_id_ = 0;
};

TEST_P(PollCursorRepoTest, NothingBeforeTheFirstPut) { EXPECT_FALSE(get(shop_id_, "orders")); }

TEST_P(PollCursorRepoTest, PutInsertsThenReplaces) {
  ASSERT_TRUE(put(shop_id_, "orders", "2025-11-22T10:00:00Z").isOk());
  EXPECT_EQ(get(shop_id_, "orders"), "2025-11-22T10:00:00Z");
  auto first = rawRows("SELECT updated_at_ms FROM poll_cursors");
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0][0], std::to_string(clock_.nowMillis()));

  clock_.advance(60'000);
  ASSERT_TRUE(put(shop_id_, "orders", "eyJsYXN0X2lkIjo0Mn0=").isOk());
  EXPECT_EQ(get(shop_id_, "orders"), "eyJsYXN0X2lkIjo0Mn0=");
  auto rows = rawRows("SELECT shop_id, resource, updated_at_ms FROM poll_cursors");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][2], std::to_string(clock_.nowMillis()));

  // The same value again is fine; an empty cursor is a value too.
  ASSERT_TRUE(put(shop_id_, "orders", "eyJsYXN0X2lkIjo0Mn0=").isOk());
  ASSERT_TRUE(put(shop_id_, "customers", "").isOk());
  EXPECT_EQ(get(shop_id_, "customers"), "");
}

TEST_P(PollCursorRepoTest, CursorsArePerShopAndResource) {
  ASSERT_TRUE(put(shop_id_, "orders", "a").isOk());
  ASSERT_TRUE(put(shop_id_, "abandoned_checkouts", "b").isOk());
  ASSERT_TRUE(put(other_shop_id_, "orders", "c").isOk());
  EXPECT_EQ(get(shop_id_, "orders"), "a");
  EXPECT_EQ(get(shop_id_, "abandoned_checkouts"), "b");
  EXPECT_EQ(get(other_shop_id_, "orders"), "c");
  EXPECT_FALSE(get(other_shop_id_, "abandoned_checkouts"));
  EXPECT_FALSE(get(shop_id_, "Orders"));  // resources compare byte for byte
}

TEST_P(PollCursorRepoTest, CursorSurvivesReopeningTheDatabase) {
  ASSERT_TRUE(put(shop_id_, "orders", "page-7").isOk());
  db_.reset();
  auto reopened = Database::open(scratch_->options(), nullptr);
  ASSERT_TRUE(reopened.isOk()) << reopened.status().toString();
  db_ = std::move(reopened).value();
  EXPECT_EQ(get(shop_id_, "orders"), "page-7");
}

TEST_P(PollCursorRepoTest, RejectsEmptyResourceAndUnknownShop) {
  EXPECT_EQ(put(shop_id_, "", "x").code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(put(987654, "orders", "x").code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(put(shop_id_, std::string(256, 'r'), "x").code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(rawRows("SELECT shop_id FROM poll_cursors").empty());

  ASSERT_TRUE(put(shop_id_, "orders'); DROP TABLE poll_cursors; --", "x'\"y").isOk());
  EXPECT_EQ(get(shop_id_, "orders'); DROP TABLE poll_cursors; --"), "x'\"y");
}

TEST_P(PollCursorRepoTest, ConcurrentPutsFromTwoInstancesAllSucceed) {
  // Two Database objects stand for two cartrelay instances sharing a
  // database; the first put of each races on the insert.
  auto other = Database::open(scratch_->options(), nullptr);
  ASSERT_TRUE(other.isOk()) << other.status().toString();
  constexpr int kRounds = 20;
  std::vector<Status> failures_a;
  std::vector<Status> failures_b;
  std::thread a([&] {
    for (int i = 0; i < kRounds; ++i) {
      Status st = put(db(), shop_id_, "orders", "a" + std::to_string(i));
      if (!st.isOk()) failures_a.push_back(st);
    }
  });
  std::thread b([&] {
    for (int i = 0; i < kRounds; ++i) {
      Status st = put(**other, shop_id_, "orders", "b" + std::to_string(i));
      if (!st.isOk()) failures_b.push_back(st);
    }
  });
  a.join();
  b.join();
  EXPECT_TRUE(failures_a.empty()) << failures_a.front().toString();
  EXPECT_TRUE(failures_b.empty()) << failures_b.front().toString();
  auto last = get(shop_id_, "orders");
  ASSERT_TRUE(last);
  EXPECT_TRUE(*last == "a19" || *last == "b19") << *last;
  EXPECT_EQ(rawRows("SELECT shop_id FROM poll_cursors").size(), 1u);
}

CARTRELAY_STORE_SUITE(PollCursorRepoTest);

}  // namespace
}  // namespace cartrelay::core::store
