#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <soci/soci.h>

namespace cartrelay::core::store::detail {

// Line items of carts and orders share one shape (model::CartItem and
// model::OrderItem have the same fields). `table` and `parent_column` are
// compile-time constants ("cart_items", "cart_id"), never input. Both
// functions throw SOCI exceptions; call them inside a guarded block.

// Replaces all lines of `parent_id` with `items`; line = position (0..n-1).
template <typename Item>
void replaceItems(soci::session& s, const char* table, const char* parent_column,
                  std::int64_t parent_id, const std::vector<Item>& items) {
  std::int64_t parent = parent_id;
  s << "DELETE FROM " + std::string(table) + " WHERE " + parent_column + " = :p", soci::use(parent);
  if (items.empty()) return;
  int line = 0;
  std::string product_id;
  std::string variant_id;
  std::string title;
  std::int64_t quantity = 0;
  std::int64_t unit_price_minor = 0;
  soci::statement st =
      (s.prepare << "INSERT INTO " + std::string(table) + " (" + parent_column +
                        ", line, product_id, variant_id, title, quantity, unit_price_minor)"
                        " VALUES (:p, :l, :pr, :v, :t, :q, :u)",
       soci::use(parent), soci::use(line), soci::use(product_id), soci::use(variant_id),
       soci::use(title), soci::use(quantity), soci::use(unit_price_minor));
  for (std::size_t i = 0; i < items.size(); ++i) {
    line = static_cast<int>(i);
    product_id = items[i].product_id;
    variant_id = items[i].variant_id;
    title = items[i].title;
    quantity = items[i].quantity;
    unit_price_minor = items[i].unit_price_minor;
    st.execute(true);
  }
}

// All lines of `parent_id`, ordered by line.
template <typename Item>
std::vector<Item> loadItems(soci::session& s, const char* table, const char* parent_column,
                            std::int64_t parent_id) {
  std::int64_t parent = parent_id;
  Item item;
  std::vector<Item> out;
  soci::statement st =
      (s.prepare << "SELECT line, product_id, variant_id, title, quantity, unit_price_minor FROM " +
                        std::string(table) + " WHERE " + parent_column + " = :p ORDER BY line",
       soci::use(parent), soci::into(item.line), soci::into(item.product_id),
       soci::into(item.variant_id), soci::into(item.title), soci::into(item.quantity),
       soci::into(item.unit_price_minor));
  st.execute();
  while (st.fetch()) out.push_back(item);
  return out;
}

}  // namespace cartrelay::core::store::detail
