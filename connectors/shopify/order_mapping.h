#pragma once

#include <nlohmann/json_fwd.hpp>

#include "connectors/shopify/payload_context.h"
#include "core/model/change_set.h"
#include "core/util/result.h"

// Shopify orders (shared/reference/shopify-woocommerce.md §2): the orders/*
// webhooks and the `order` object of REST `orders/{id}.json`. Pure;
// kInvalidArgument naming the field by path, never quoting personal data.
namespace cartrelay::connectors::shopify {

// orders/create, orders/updated, orders/paid, orders/fulfilled,
// orders/partially_fulfilled, orders/cancelled (all publish the full Order)
// -> one OrderChange:
//   platform_order_id = id (required; read as an integer, never a double),
//   name, checkout_token, cart_token, total = total_price in currencyOf(),
//   financial_status / fulfillment_status lower case ("" when null),
//   placed_at = processed_at, else created_at, else the updated time;
//   cancelled_at; updated_at (else context.fallback_time_ms); items.
//   buyer = buyerOf() (customer_mapping.h).
// Consent evidence: buyer_accepts_marketing -> "email" observation (order
// e-mail, else contact_email), plus the customer object's consent objects.
//
// orders/edited publishes {"order_edit": {...}}, only the delta of an edit;
// Shopify sends orders/updated with the full order for the same change, so
// such a payload maps to an empty ChangeSet with ignored_because set.
core::Result<core::model::ChangeSet> mapOrder(const nlohmann::json& payload,
                                              const PayloadContext& context);

// orders/delete -> Deletion{kOrder, id}.
core::Result<core::model::ChangeSet> mapOrderDeletion(const nlohmann::json& payload,
                                                      const PayloadContext& context);

}  // namespace cartrelay::connectors::shopify
