#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cartrelay::core::model {

// The shop platforms cartrelay connects to.
enum class Platform { kShopify, kWooCommerce };

// "shopify" | "woocommerce": the INI value and the stored value.
constexpr std::string_view toString(Platform platform) {
  return platform == Platform::kShopify ? "shopify" : "woocommerce";
}

// Inverse of toString; std::nullopt for anything else (case-sensitive).
constexpr std::optional<Platform> parsePlatform(std::string_view text) {
  if (text == "shopify") return Platform::kShopify;
  if (text == "woocommerce") return Platform::kWooCommerce;
  return std::nullopt;
}

// One `[shop.NAME]` section as the store knows it. The configuration stays
// the source of truth for everything else about a shop; the row exists so
// customers, carts and orders can reference a stable numeric id.
struct Shop {
  std::int64_t id = 0;
  std::string name;  // the NAME of [shop.NAME], unique
  Platform platform = Platform::kShopify;
  std::int64_t created_at_ms = 0;  // UTC epoch ms

  bool operator==(const Shop&) const = default;
};

}  // namespace cartrelay::core::model
