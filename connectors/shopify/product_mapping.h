#pragma once

#include <nlohmann/json_fwd.hpp>

#include "connectors/shopify/payload_context.h"
#include "core/model/change_set.h"
#include "core/util/result.h"

namespace cartrelay::connectors::shopify {

// products/create, products/update -> one Product: id (required), title,
// product_type, tags (comma-separated string, trimmed), categories =
// {product_type} when it is non-empty (Shopify has no categories of its own
// that segments could use), updated_at (else context.fallback_time_ms).
// Pure; kInvalidArgument naming the field by path.
core::Result<core::model::ChangeSet> mapProduct(const nlohmann::json& payload,
                                                const PayloadContext& context);

}  // namespace cartrelay::connectors::shopify
