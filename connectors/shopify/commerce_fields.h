#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "connectors/shopify/json_fields.h"
#include "connectors/shopify/payload_context.h"
#include "core/model/money.h"
#include "core/util/result.h"

// Fields Shopify checkouts and orders share (the same REST shapes), read one
// way for both. Pure; errors as in json_fields.h.
namespace cartrelay::connectors::shopify {

// The ISO 4217 code amounts in `root` are in: `currency`, else
// `presentment_currency`, else context.shop.currency; upper case.
core::Result<std::string> currencyOf(const JsonField& root, const PayloadContext& context);

// `root.total_price` in `currency`, exactly (never through floating point).
core::Result<core::model::Money> totalOf(const JsonField& root, const std::string& currency);

// One entry of `line_items[]`. Product and variant ids are decimal text ("" when
// null, e.g. a custom line); unit_price_minor is `price` in minor units.
struct LineItemFields {
  std::string product_id;
  std::string variant_id;
  std::string title;
  std::int64_t quantity = 0;
  std::int64_t unit_price_minor = 0;
};

// `root.line_items[]` in order; quantity and price are required per line.
core::Result<std::vector<LineItemFields>> lineItemsOf(const JsonField& root,
                                                      const std::string& currency);

// Copies LineItemFields into a CartItem or OrderItem (same members), numbering
// lines from 0 in payload order.
template <typename Item>
std::vector<Item> toItems(const std::vector<LineItemFields>& lines) {
  std::vector<Item> items;
  items.reserve(lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    Item item;
    item.line = static_cast<int>(i);
    item.product_id = lines[i].product_id;
    item.variant_id = lines[i].variant_id;
    item.title = lines[i].title;
    item.quantity = lines[i].quantity;
    item.unit_price_minor = lines[i].unit_price_minor;
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace cartrelay::connectors::shopify
