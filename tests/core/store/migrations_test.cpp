#include "core/store/migrations.h"

#include <thread>

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "core/store/database.h"
#include "tests/core/store/store_test_support.h"

namespace cartrelay::core::store {
namespace {

using testing::StoreTest;

class MigrationsTest : public StoreTest {
 protected:
  bool tableExists(const std::string& table) {
    auto rows = GetParam() == Backend::kSqlite
                    ? rawRows("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '" +
                              table + "'")
                    : rawRows(
                          "SELECT table_name FROM information_schema.tables"
                          " WHERE table_schema = DATABASE() AND table_name = '" +
                          table + "'");
    return !rows.empty();
  }
};

TEST_P(MigrationsTest, FreshDatabaseIsAtVersionZero) {
  auto version = currentVersion(db());
  ASSERT_TRUE(version.isOk()) << version.status().toString();
  EXPECT_EQ(*version, 0);
}

TEST_P(MigrationsTest, MigrateAppliesEverythingOnceAndIsIdempotent) {
  ASSERT_TRUE(migrate(db(), clock_).isOk());
  auto version = currentVersion(db());
  ASSERT_TRUE(version.isOk());
  EXPECT_EQ(*version, latestVersion());
  EXPECT_GE(latestVersion(), 1);

  for (const char* table : {"schema_migrations", "shops", "customers", "carts", "cart_items",
                            "orders", "order_items", "inbox"}) {
    EXPECT_TRUE(tableExists(table)) << table;
  }
  auto rows =
      rawRows("SELECT version, name, applied_at_ms FROM schema_migrations ORDER BY version");
  ASSERT_EQ(rows.size(), knownMigrations().size());
  EXPECT_EQ(rows[0][0], "1");
  EXPECT_EQ(rows[0][1], "initial_schema");
  EXPECT_EQ(rows[0][2], std::to_string(clock_.nowMillis()));

  clock_.advance(60'000);
  ASSERT_TRUE(migrate(db(), clock_).isOk());
  auto again = rawRows("SELECT version, applied_at_ms FROM schema_migrations ORDER BY version");
  ASSERT_EQ(again.size(), knownMigrations().size());
  EXPECT_EQ(again[0][1], rows[0][2]);  // not re-applied
}

TEST_P(MigrationsTest, InterruptedMigrationIsRerunSafely) {
  // As if a MariaDB migration had died after its first DDL statements
  // (which auto-commit) but before recording itself.
  exec(GetParam() == Backend::kSqlite
           ? "CREATE TABLE shops (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL,"
             " platform TEXT NOT NULL, created_at_ms INTEGER NOT NULL,"
             " CONSTRAINT uq_shops_name UNIQUE (name))"
           : "CREATE TABLE shops (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
             " name VARCHAR(255) NOT NULL, platform VARCHAR(32) NOT NULL,"
             " created_at_ms BIGINT NOT NULL, CONSTRAINT uq_shops_name UNIQUE (name))"
             " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
  ASSERT_TRUE(migrate(db(), clock_).isOk());
  EXPECT_EQ(*currentVersion(db()), latestVersion());
}

TEST_P(MigrationsTest, NewerDatabaseIsRefused) {
  ASSERT_TRUE(migrate(db(), clock_).isOk());
  exec("INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (9999, 'future', 1)");
  Status status = migrate(db(), clock_);
  EXPECT_EQ(status.code(), Status::Code::kPermanent) << status.toString();
  EXPECT_NE(status.message().find("9999"), std::string::npos);
}

TEST_P(MigrationsTest, ConcurrentMigrateFromTwoConnectionsDoesNotCorrupt) {
  // Two Database objects stand for two processes starting at once.
  auto other = Database::open(scratch_->options(), nullptr);
  ASSERT_TRUE(other.isOk()) << other.status().toString();
  Status a;
  Status b;
  std::thread t1([&] { a = migrate(db(), clock_); });
  std::thread t2([&] { b = migrate(**other, clock_); });
  t1.join();
  t2.join();
  EXPECT_TRUE(a.isOk()) << a.toString();
  EXPECT_TRUE(b.isOk()) << b.toString();
  EXPECT_EQ(*currentVersion(db()), latestVersion());
  EXPECT_EQ(rawRows("SELECT version FROM schema_migrations").size(), knownMigrations().size());
}

TEST_P(MigrationsTest, TablesGetTheEngineSpecificOptions) {
  ASSERT_TRUE(migrate(db(), clock_).isOk());
  if (GetParam() == Backend::kSqlite) {
    // Foreign keys are declared (and enforced: see the pragma test).
    EXPECT_FALSE(rawRows("PRAGMA foreign_key_list(carts)").empty());
    EXPECT_FALSE(rawRows("SELECT name FROM sqlite_master WHERE type = 'index'"
                         " AND name = 'ix_customers_phone_hash'")
                     .empty());
    return;
  }
  auto rows = rawRows(
      "SELECT table_name, engine, table_collation FROM information_schema.tables"
      " WHERE table_schema = DATABASE() ORDER BY table_name");
  ASSERT_FALSE(rows.empty());
  for (const auto& row : rows) {
    EXPECT_EQ(row[1], "InnoDB") << row[0];
    EXPECT_EQ(row[2], "utf8mb4_bin") << row[0];
  }
  EXPECT_FALSE(
      rawRows("SELECT index_name FROM information_schema.statistics"
              " WHERE table_schema = DATABASE() AND index_name = 'ix_customers_phone_hash'")
          .empty());
}

CARTRELAY_STORE_SUITE(MigrationsTest);

}  // namespace
}  // namespace cartrelay::core::store
