#include "connectors/shopify/product_mapping.h"

#include <utility>

#include <nlohmann/json.hpp>

#include "connectors/shopify/json_fields.h"

namespace cartrelay::connectors::shopify {

core::Result<core::model::ChangeSet> mapProduct(const nlohmann::json& payload,
                                                const PayloadContext& context) {
  const JsonField root(payload, "");
  CARTRELAY_RETURN_IF_ERROR(root.requireObject());
  core::model::Product product;
  CARTRELAY_ASSIGN_OR_RETURN(product.platform_product_id, root["id"].requiredId());
  CARTRELAY_ASSIGN_OR_RETURN(product.title, root["title"].text());
  CARTRELAY_ASSIGN_OR_RETURN(product.product_type, root["product_type"].text());
  if (!product.product_type.empty()) product.categories.push_back(product.product_type);
  CARTRELAY_ASSIGN_OR_RETURN(product.tags, root["tags"].tags());
  CARTRELAY_ASSIGN_OR_RETURN(auto updated, root["updated_at"].time());
  product.platform_updated_at_ms = updated.value_or(context.fallback_time_ms);
  core::model::ChangeSet changes;
  changes.products.push_back(std::move(product));
  return changes;
}

}  // namespace cartrelay::connectors::shopify
