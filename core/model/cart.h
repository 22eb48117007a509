#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/money.h"

namespace cartrelay::core::model {

enum class CartState { kOpen, kCompleted, kDeleted };

// "open" | "completed" | "deleted": the stored value.
constexpr std::string_view toString(CartState state) {
  switch (state) {
    case CartState::kOpen:
      return "open";
    case CartState::kCompleted:
      return "completed";
    case CartState::kDeleted:
      return "deleted";
  }
  return "open";
}

constexpr std::optional<CartState> parseCartState(std::string_view text) {
  if (text == "open") return CartState::kOpen;
  if (text == "completed") return CartState::kCompleted;
  if (text == "deleted") return CartState::kDeleted;
  return std::nullopt;
}

// One line of a cart. Prices are in the cart's currency.
struct CartItem {
  int line = 0;  // 0-based position in the cart
  std::string product_id;
  std::string variant_id;
  std::string title;
  std::int64_t quantity = 0;
  std::int64_t unit_price_minor = 0;

  bool operator==(const CartItem&) const = default;
};

// A cart or checkout as the platform last reported it. For Shopify this is
// the abandoned checkout (platform_cart_id = checkout token), for WooCommerce
// the cart plugin's cart id.
struct Cart {
  std::int64_t id = 0;  // store id, 0 before the first upsert
  std::int64_t shop_id = 0;
  std::string platform_cart_id;  // unique per shop
  // Shopify's cart_token (orders and checkouts/delete refer to it); empty
  // elsewhere.
  std::string cart_token;
  std::optional<std::int64_t> customer_id;
  Money total;
  std::string recovery_url;  // bearer link to the checkout: stored encrypted
  bool contact_captured = false;
  CartState state = CartState::kOpen;
  std::int64_t platform_created_at_ms = 0;  // UTC epoch ms
  std::int64_t platform_updated_at_ms = 0;  // UTC epoch ms; newer wins
  std::int64_t created_at_ms = 0;           // set by the store
  std::int64_t updated_at_ms = 0;           // set by the store
  std::vector<CartItem> items;

  bool operator==(const Cart&) const = default;
};

}  // namespace cartrelay::core::model
