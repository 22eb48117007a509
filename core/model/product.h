#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cartrelay::core::model {

// A catalogue entry, kept fresh by polling so segments can ask "bought in
// category X" (order items carry product_id). No personal data.
struct Product {
  std::int64_t id = 0;  // store id, 0 before the first upsert
  std::int64_t shop_id = 0;
  std::string platform_product_id;  // unique per shop
  std::string title;
  std::string product_type;             // Shopify productType; empty on WooCommerce
  std::vector<std::string> categories;  // WooCommerce category names; Shopify: product_type
  std::vector<std::string> tags;
  std::int64_t platform_updated_at_ms = 0;  // UTC epoch ms; newer wins
  std::int64_t created_at_ms = 0;           // set by the store
  std::int64_t updated_at_ms = 0;           // set by the store

  bool operator==(const Product&) const = default;
};

}  // namespace cartrelay::core::model
