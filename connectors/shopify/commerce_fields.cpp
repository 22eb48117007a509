#include "connectors/shopify/commerce_fields.h"

#include <utility>

#include "core/util/decimal.h"
#include "core/util/text.h"

namespace cartrelay::connectors::shopify {

using core::Result;

Result<std::string> currencyOf(const JsonField& root, const PayloadContext& context) {
  CARTRELAY_ASSIGN_OR_RETURN(std::string currency, root["currency"].text());
  if (currency.empty()) {
    CARTRELAY_ASSIGN_OR_RETURN(currency, root["presentment_currency"].text());
  }
  if (currency.empty()) currency = context.shop.currency;
  return core::asciiUpper(currency);
}

Result<core::model::Money> totalOf(const JsonField& root, const std::string& currency) {
  core::model::Money total;
  total.currency = currency;
  CARTRELAY_ASSIGN_OR_RETURN(total.minor,
                             root["total_price"].minorUnits(core::currencyExponent(currency)));
  return total;
}

Result<std::vector<LineItemFields>> lineItemsOf(const JsonField& root,
                                                const std::string& currency) {
  const int exponent = core::currencyExponent(currency);
  CARTRELAY_ASSIGN_OR_RETURN(std::vector<JsonField> entries, root["line_items"].elements());
  std::vector<LineItemFields> lines;
  lines.reserve(entries.size());
  for (const JsonField& entry : entries) {
    CARTRELAY_RETURN_IF_ERROR(entry.requireObject());
    LineItemFields line;
    CARTRELAY_ASSIGN_OR_RETURN(line.product_id, entry["product_id"].id());
    CARTRELAY_ASSIGN_OR_RETURN(line.variant_id, entry["variant_id"].id());
    CARTRELAY_ASSIGN_OR_RETURN(line.title, entry["title"].text());
    CARTRELAY_ASSIGN_OR_RETURN(line.quantity, entry["quantity"].integer());
    CARTRELAY_ASSIGN_OR_RETURN(line.unit_price_minor, entry["price"].minorUnits(exponent));
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace cartrelay::connectors::shopify
