#include "core/store/migrations.h"

#include <thread>

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "core/store/cart_repo.h"
#include "core/store/customer_repo.h"
#include "core/store/database.h"
#include "core/store/detail/dialect.h"
#include "core/store/detail/pii.h"
#include "core/store/detail/schema.h"
#include "core/store/inbox_repo.h"
#include "core/store/order_repo.h"
#include "core/store/shop_repo.h"
#include "tests/support/store_test_support.h"

namespace cartrelay::core::store {
namespace {

using testing::StoreTest;

class MigrationsTest : public StoreTest {
 protected:
  // The schema exactly as a cartrelay that knew only migration 1 left it:
  // migration 1's compiled-in steps and its schema_migrations row.
  void createVersion1() {
    Status status = db().withSession([&](soci::session& s) -> Status {
      const Backend backend = GetParam();
      CARTRELAY_ASSIGN_OR_RETURN(
          std::string table, detail::expandSchemaSql(backend, detail::kSchemaMigrationsTableSql));
      s << table;
      const detail::Migration& first = detail::allMigrations().at(0);
      EXPECT_EQ(first.version, 1);
      for (const detail::MigrationStep& step : first.steps) {
        switch (step.kind) {
          case detail::MigrationStep::Kind::kSql: {
            CARTRELAY_ASSIGN_OR_RETURN(std::string sql, detail::expandSchemaSql(backend, step.sql));
            s << sql;
            break;
          }
          case detail::MigrationStep::Kind::kIndex:
            s << "CREATE INDEX " + std::string(step.name) + " ON " + std::string(step.table) +
                     " (" + std::string(step.columns) + ")";
            break;
          case detail::MigrationStep::Kind::kColumn:
            return Status::internal("migration 1 never added columns");
          case detail::MigrationStep::Kind::kAppendOnly:
            return Status::internal("migration 1 never added triggers");
        }
      }
      s << "INSERT INTO schema_migrations (version, name, applied_at_ms)"
           " VALUES (1, 'initial_schema', 1)";
      return Status::ok();
    });
    ASSERT_TRUE(status.isOk()) << status.toString();
    ASSERT_EQ(*currentVersion(db()), 1);
  }

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

  for (const char* table :
       {"schema_migrations", "shops", "customers", "carts", "cart_items", "orders", "order_items",
        "inbox", "products", "domain_events", "poll_cursors"}) {
    EXPECT_TRUE(tableExists(table)) << table;
  }
  auto rows =
      rawRows("SELECT version, name, applied_at_ms FROM schema_migrations ORDER BY version");
  ASSERT_EQ(rows.size(), knownMigrations().size());
  EXPECT_EQ(rows[0][0], "1");
  EXPECT_EQ(rows[0][1], "initial_schema");
  EXPECT_EQ(rows[0][2], std::to_string(clock_.nowMillis()));
  ASSERT_GE(rows.size(), 2u);
  EXPECT_EQ(rows[1][0], "2");
  EXPECT_EQ(rows[1][1], "connector_store");

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

TEST_P(MigrationsTest, Version1DatabaseUpgradesAndKeepsItsRows) {
  createVersion1();
  ASSERT_FALSE(HasFatalFailure());

  // Rows written by the version-1 code. Carts go in as raw SQL: today's
  // CartRepo writes cart_token, which version 1 does not have.
  struct Seeded {
    std::int64_t shop = 0, customer = 0, order = 0, inbox = 0, cart = 0;
  };
  auto seeded = db().queryTransaction([&](soci::session& s) -> Result<Seeded> {
    Seeded out;
    CARTRELAY_ASSIGN_OR_RETURN(out.shop,
                               ShopRepo(clock_).ensure(s, "acme", model::Platform::kShopify));
    model::Customer c;
    c.shop_id = out.shop;
    c.platform_customer_id = "7001";
    c.phone = "+905321234567";
    c.phone_valid = true;
    c.first_name = "Ayşe";
    c.platform_updated_at_ms = 10;
    CARTRELAY_ASSIGN_OR_RETURN(UpsertResult customer, CustomerRepo(*keys_, clock_).upsert(s, c));
    out.customer = customer.id;
    model::Order o;
    o.shop_id = out.shop;
    o.platform_order_id = "1001";
    o.name = "#1001";
    o.customer_id = out.customer;
    o.total = {129900, "TRY"};
    o.financial_status = "paid";
    o.fulfillment_status = "unfulfilled";
    o.placed_at_ms = 20;
    o.platform_updated_at_ms = 20;
    o.items = {model::OrderItem{0, "p1", "v1", "Kilim", 1, 129900}};
    CARTRELAY_ASSIGN_OR_RETURN(UpsertResult order, OrderRepo(clock_).upsert(s, o));
    out.order = order.id;
    std::int64_t shop = out.shop;
    std::int64_t customer_id = out.customer;
    // The inbox row as schema 1 stored it: the raw body sealed to
    // "inbox.body:<id>" by an UPDATE after the INSERT.
    CARTRELAY_ASSIGN_OR_RETURN(detail::NewKey row_key, detail::newRowKey(keys_->cipher()));
    std::string wrapped = row_key.wrapped;
    s << "INSERT INTO inbox (source, shop_id, platform, topic, delivery_id, headers_json,"
         " data_key, state, received_at_ms, attempts)"
         " VALUES ('acme', :s, 'shopify', 'orders/create', 'd-1', '{}', :k, 'received', 5, 0)",
        soci::use(shop), soci::use(wrapped);
    long long inbox_id = 0;
    if (!s.get_last_insert_id("inbox", inbox_id)) return Status::internal("no inbox id");
    out.inbox = inbox_id;
    CARTRELAY_ASSIGN_OR_RETURN(std::string sealed, detail::sealCell(row_key.key, R"({"id":1001})",
                                                                    "inbox.body", inbox_id));
    s << "UPDATE inbox SET body_enc = :b WHERE id = :i", soci::use(sealed), soci::use(out.inbox);
    s << "INSERT INTO carts (shop_id, platform_cart_id, customer_id, currency, total_minor,"
         " contact_captured, state, platform_created_at_ms, platform_updated_at_ms,"
         " created_at_ms, updated_at_ms)"
         " VALUES (:s, 'chk-1', :c, 'TRY', 64990, 1, 'open', 30, 31, 32, 33)",
        soci::use(shop), soci::use(customer_id);
    long long cart = 0;
    if (!s.get_last_insert_id("carts", cart)) return Status::internal("no cart id");
    out.cart = cart;
    s << "INSERT INTO cart_items (cart_id, line, product_id, variant_id, title, quantity,"
         " unit_price_minor) VALUES (:c, 0, 'p1', 'v1', 'Çay', 2, 12500)",
        soci::use(out.cart);
    return out;
  });
  ASSERT_TRUE(seeded.isOk()) << seeded.status().toString();

  clock_.advance(60'000);
  Status status = migrate(db(), clock_);
  ASSERT_TRUE(status.isOk()) << status.toString();
  EXPECT_EQ(*currentVersion(db()), latestVersion());
  auto recorded = rawRows("SELECT version, applied_at_ms FROM schema_migrations ORDER BY version");
  ASSERT_EQ(recorded.size(), knownMigrations().size());
  EXPECT_EQ(recorded[0][1], "1");  // migration 1 was not re-applied
  EXPECT_EQ(recorded[1][1], std::to_string(clock_.nowMillis()));
  for (const char* table : {"products", "domain_events", "poll_cursors"}) {
    EXPECT_TRUE(tableExists(table)) << table;
  }

  // Every row is still there and readable through today's repositories.
  CartRepo carts(*keys_, clock_);
  auto cart = db().querySession([&](soci::session& s) { return carts.load(s, seeded->cart); });
  ASSERT_TRUE(cart.isOk()) << cart.status().toString();
  ASSERT_TRUE(cart->has_value());
  EXPECT_EQ((*cart)->platform_cart_id, "chk-1");
  EXPECT_TRUE((*cart)->cart_token.empty());
  EXPECT_EQ((*cart)->customer_id, seeded->customer);
  EXPECT_EQ((*cart)->platform_updated_at_ms, 31);
  ASSERT_EQ((*cart)->items.size(), 1u);
  EXPECT_EQ((*cart)->items[0].title, "Çay");

  auto customer = db().querySession(
      [&](soci::session& s) { return CustomerRepo(*keys_, clock_).load(s, seeded->customer); });
  ASSERT_TRUE(customer.isOk() && customer->has_value());
  EXPECT_EQ((*customer)->first_name, "Ayşe");
  auto order =
      db().querySession([&](soci::session& s) { return OrderRepo(clock_).load(s, seeded->order); });
  ASSERT_TRUE(order.isOk() && order->has_value());
  EXPECT_EQ((*order)->items.size(), 1u);
  auto inbox = db().querySession(
      [&](soci::session& s) { return InboxRepo(*keys_, clock_).load(s, seeded->inbox); });
  ASSERT_TRUE(inbox.isOk() && inbox->has_value());
  EXPECT_EQ((*inbox)->body, R"({"id":1001})");

  // And the old cart takes a token like any other.
  model::Cart updated = **cart;
  updated.cart_token = "c1";
  updated.platform_updated_at_ms = 40;
  ASSERT_TRUE(
      db().queryTransaction([&](soci::session& s) { return carts.upsert(s, updated); }).isOk());
  auto found = db().querySession(
      [&](soci::session& s) { return carts.findByCartToken(s, seeded->shop, "c1"); });
  ASSERT_TRUE(found.isOk() && found->has_value());
  EXPECT_EQ((*found)->id, seeded->cart);
}

TEST_P(MigrationsTest, InterruptedMigration2IsRerunSafely) {
  // As if a MariaDB migration 2 had died after adding the column, its index
  // and a table (each DDL statement commits on its own) but before
  // recording itself.
  createVersion1();
  ASSERT_FALSE(HasFatalFailure());
  exec(GetParam() == Backend::kSqlite
           ? "ALTER TABLE carts ADD COLUMN cart_token TEXT NULL"
           : "ALTER TABLE carts ADD COLUMN cart_token VARCHAR(255) NULL");
  exec("CREATE INDEX ix_carts_cart_token ON carts (shop_id, cart_token)");
  exec(GetParam() == Backend::kSqlite
           ? "CREATE TABLE poll_cursors (shop_id BIGINT NOT NULL, resource TEXT NOT NULL,"
             " `cursor` TEXT NOT NULL, updated_at_ms BIGINT NOT NULL,"
             " PRIMARY KEY (shop_id, resource))"
           : "CREATE TABLE poll_cursors (shop_id BIGINT NOT NULL, resource VARCHAR(255) NOT NULL,"
             " `cursor` TEXT NOT NULL, updated_at_ms BIGINT NOT NULL,"
             " PRIMARY KEY (shop_id, resource))"
             " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
  Status status = migrate(db(), clock_);
  ASSERT_TRUE(status.isOk()) << status.toString();
  EXPECT_EQ(*currentVersion(db()), latestVersion());
  EXPECT_TRUE(tableExists("domain_events"));
}

CARTRELAY_STORE_SUITE(MigrationsTest);

}  // namespace
}  // namespace cartrelay::core::store
