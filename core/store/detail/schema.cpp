#include "core/store/detail/schema.h"

namespace cartrelay::core::store::detail {
namespace {

MigrationStep sql(std::string_view text) {
  MigrationStep step;
  step.kind = MigrationStep::Kind::kSql;
  step.sql = text;
  return step;
}

MigrationStep index(std::string_view name, std::string_view table, std::string_view columns) {
  MigrationStep step;
  step.kind = MigrationStep::Kind::kIndex;
  step.name = name;
  step.table = table;
  step.columns = columns;
  return step;
}

// Conventions (DESIGN.md "Store"): times are UTC epoch milliseconds in
// BIGINT *_at_ms columns; money is *_minor BIGINT plus an ISO 4217 currency;
// personal data lives only in *_enc columns (FieldCipher text under the
// row's data key, NULL when absent) and is found through *_hash columns
// (KeyedHasher hex). data_key holds the wrapped per-row key and is set to
// NULL to crypto-erase the row.

constexpr std::string_view kShops = R"sql(
CREATE TABLE IF NOT EXISTS shops (
  id ${ID},
  name ${KEY} NOT NULL,
  platform ${SHORT} NOT NULL,
  created_at_ms ${BIGINT} NOT NULL,
  CONSTRAINT uq_shops_name UNIQUE (name)
)${TABLE_OPTIONS})sql";

constexpr std::string_view kCustomers = R"sql(
CREATE TABLE IF NOT EXISTS customers (
  id ${ID},
  shop_id ${BIGINT} NOT NULL,
  platform_customer_id ${KEY} NOT NULL,
  data_key ${TEXT} NULL,
  phone_enc ${TEXT} NULL,
  phone_hash ${HASH} NULL,
  phone_valid INTEGER NOT NULL,
  email_enc ${TEXT} NULL,
  email_hash ${HASH} NULL,
  first_name_enc ${TEXT} NULL,
  last_name_enc ${TEXT} NULL,
  address1_enc ${TEXT} NULL,
  address2_enc ${TEXT} NULL,
  city_enc ${TEXT} NULL,
  province_enc ${TEXT} NULL,
  postal_code_enc ${TEXT} NULL,
  country_code ${SHORT} NOT NULL,
  birthday_enc ${TEXT} NULL,
  tags ${TEXT} NOT NULL,
  platform_updated_at_ms ${BIGINT} NOT NULL,
  created_at_ms ${BIGINT} NOT NULL,
  updated_at_ms ${BIGINT} NOT NULL,
  erased_at_ms ${BIGINT} NULL,
  CONSTRAINT uq_customers_platform_id UNIQUE (shop_id, platform_customer_id),
  CONSTRAINT fk_customers_shop FOREIGN KEY (shop_id) REFERENCES shops (id)
)${TABLE_OPTIONS})sql";

constexpr std::string_view kCarts = R"sql(
CREATE TABLE IF NOT EXISTS carts (
  id ${ID},
  shop_id ${BIGINT} NOT NULL,
  platform_cart_id ${KEY} NOT NULL,
  customer_id ${BIGINT} NULL,
  currency ${SHORT} NOT NULL,
  total_minor ${BIGINT} NOT NULL,
  data_key ${TEXT} NULL,
  recovery_url_enc ${TEXT} NULL,
  contact_captured INTEGER NOT NULL,
  state ${SHORT} NOT NULL,
  platform_created_at_ms ${BIGINT} NOT NULL,
  platform_updated_at_ms ${BIGINT} NOT NULL,
  created_at_ms ${BIGINT} NOT NULL,
  updated_at_ms ${BIGINT} NOT NULL,
  CONSTRAINT uq_carts_platform_id UNIQUE (shop_id, platform_cart_id),
  CONSTRAINT fk_carts_shop FOREIGN KEY (shop_id) REFERENCES shops (id),
  CONSTRAINT fk_carts_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
    ON DELETE SET NULL
)${TABLE_OPTIONS})sql";

constexpr std::string_view kCartItems = R"sql(
CREATE TABLE IF NOT EXISTS cart_items (
  cart_id ${BIGINT} NOT NULL,
  line INTEGER NOT NULL,
  product_id ${KEY} NOT NULL,
  variant_id ${KEY} NOT NULL,
  title ${TEXT} NOT NULL,
  quantity ${BIGINT} NOT NULL,
  unit_price_minor ${BIGINT} NOT NULL,
  PRIMARY KEY (cart_id, line),
  CONSTRAINT fk_cart_items_cart FOREIGN KEY (cart_id) REFERENCES carts (id) ON DELETE CASCADE
)${TABLE_OPTIONS})sql";

constexpr std::string_view kOrders = R"sql(
CREATE TABLE IF NOT EXISTS orders (
  id ${ID},
  shop_id ${BIGINT} NOT NULL,
  platform_order_id ${KEY} NOT NULL,
  name ${KEY} NOT NULL,
  customer_id ${BIGINT} NULL,
  checkout_token ${KEY} NULL,
  cart_token ${KEY} NULL,
  currency ${SHORT} NOT NULL,
  total_minor ${BIGINT} NOT NULL,
  financial_status ${SHORT} NOT NULL,
  fulfillment_status ${SHORT} NOT NULL,
  placed_at_ms ${BIGINT} NOT NULL,
  cancelled_at_ms ${BIGINT} NULL,
  platform_updated_at_ms ${BIGINT} NOT NULL,
  created_at_ms ${BIGINT} NOT NULL,
  updated_at_ms ${BIGINT} NOT NULL,
  CONSTRAINT uq_orders_platform_id UNIQUE (shop_id, platform_order_id),
  CONSTRAINT fk_orders_shop FOREIGN KEY (shop_id) REFERENCES shops (id),
  CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
    ON DELETE SET NULL
)${TABLE_OPTIONS})sql";

constexpr std::string_view kOrderItems = R"sql(
CREATE TABLE IF NOT EXISTS order_items (
  order_id ${BIGINT} NOT NULL,
  line INTEGER NOT NULL,
  product_id ${KEY} NOT NULL,
  variant_id ${KEY} NOT NULL,
  title ${TEXT} NOT NULL,
  quantity ${BIGINT} NOT NULL,
  unit_price_minor ${BIGINT} NOT NULL,
  PRIMARY KEY (order_id, line),
  CONSTRAINT fk_order_items_order FOREIGN KEY (order_id) REFERENCES orders (id)
    ON DELETE CASCADE
)${TABLE_OPTIONS})sql";

constexpr std::string_view kInbox = R"sql(
CREATE TABLE IF NOT EXISTS inbox (
  id ${ID},
  source ${KEY} NOT NULL,
  shop_id ${BIGINT} NULL,
  platform ${SHORT} NOT NULL,
  topic ${KEY} NOT NULL,
  delivery_id ${KEY} NOT NULL,
  headers_json ${TEXT} NOT NULL,
  data_key ${TEXT} NULL,
  body_enc ${LONGTEXT} NULL,
  state ${SHORT} NOT NULL,
  reason ${TEXT} NULL,
  received_at_ms ${BIGINT} NOT NULL,
  processed_at_ms ${BIGINT} NULL,
  attempts INTEGER NOT NULL,
  CONSTRAINT uq_inbox_delivery UNIQUE (source, delivery_id),
  CONSTRAINT fk_inbox_shop FOREIGN KEY (shop_id) REFERENCES shops (id) ON DELETE SET NULL
)${TABLE_OPTIONS})sql";

}  // namespace

const std::string_view kSchemaMigrationsTableSql = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER NOT NULL PRIMARY KEY,
  name ${KEY} NOT NULL,
  applied_at_ms ${BIGINT} NOT NULL
)${TABLE_OPTIONS})sql";

const std::vector<Migration>& allMigrations() {
  static const std::vector<Migration> kMigrations = {
      {1,
       "initial_schema",
       {
           sql(kShops),
           sql(kCustomers),
           index("ix_customers_phone_hash", "customers", "phone_hash"),
           index("ix_customers_email_hash", "customers", "email_hash"),
           sql(kCarts),
           index("ix_carts_state_updated", "carts", "state, platform_updated_at_ms"),
           index("ix_carts_customer", "carts", "customer_id"),
           sql(kCartItems),
           sql(kOrders),
           index("ix_orders_customer", "orders", "customer_id"),
           index("ix_orders_checkout_token", "orders", "shop_id, checkout_token"),
           sql(kOrderItems),
           sql(kInbox),
           index("ix_inbox_state", "inbox", "state, id"),
       }},
  };
  return kMigrations;
}

}  // namespace cartrelay::core::store::detail
