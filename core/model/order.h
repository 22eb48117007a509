#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model/money.h"

namespace cartrelay::core::model {

// One line of an order. Prices are in the order's currency.
struct OrderItem {
  int line = 0;  // 0-based position in the order
  std::string product_id;
  std::string variant_id;
  std::string title;
  std::int64_t quantity = 0;
  std::int64_t unit_price_minor = 0;

  bool operator==(const OrderItem&) const = default;
};

// An order as the platform last reported it. Statuses are the platform's own
// words (Shopify "paid"/"refunded", WooCommerce "processing"/"completed"),
// lower case; mapping them to cartrelay meanings is the connector's job.
struct Order {
  std::int64_t id = 0;  // store id, 0 before the first upsert
  std::int64_t shop_id = 0;
  std::string platform_order_id;  // unique per shop
  std::string name;               // what the shop shows ("#1001"); may be empty
  std::optional<std::int64_t> customer_id;
  std::string checkout_token;  // links the order to an abandoned checkout; may be empty
  std::string cart_token;      // may be empty
  Money total;
  std::string financial_status;
  std::string fulfillment_status;
  std::int64_t placed_at_ms = 0;                // UTC epoch ms
  std::optional<std::int64_t> cancelled_at_ms;  // UTC epoch ms
  std::int64_t platform_updated_at_ms = 0;      // UTC epoch ms; newer wins
  std::int64_t created_at_ms = 0;               // set by the store
  std::int64_t updated_at_ms = 0;               // set by the store
  std::vector<OrderItem> items;

  bool operator==(const Order&) const = default;
};

}  // namespace cartrelay::core::model
