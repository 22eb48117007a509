#pragma once

#include <nlohmann/json_fwd.hpp>

#include "connectors/shopify/payload_context.h"
#include "core/model/change_set.h"
#include "core/util/result.h"

// Shopify checkouts (shared/reference/shopify-woocommerce.md §2-§4): the
// checkouts/* webhooks and the objects of REST `checkouts.json`. Pure;
// kInvalidArgument naming the field by path, never quoting personal data.
namespace cartrelay::connectors::shopify {

// checkouts/create, checkouts/update -> one CartChange:
//   platform_cart_id = token (required), cart_token, total = total_price in
//   currencyOf(), items from line_items[], recovery_url =
//   abandoned_checkout_url, state completed once completed_at is set,
//   platform created/updated from created_at/updated_at (missing updated_at:
//   context.fallback_time_ms; missing created_at: the updated time),
//   contact_captured when the checkout or its buyer has an e-mail containing
//   '@' or a phone that normalises to E.164;
//   buyer = buyerOf() (customer_mapping.h).
// Consent evidence: buyer_accepts_marketing -> "email" observation (checkout
// e-mail), buyer_accepts_sms_marketing -> "sms" observation
// (sms_marketing_phone, else the buyer's phone), plus the buyer object's own
// consent objects; observed at the checkout's updated time.
core::Result<core::model::ChangeSet> mapCheckout(const nlohmann::json& payload,
                                                 const PayloadContext& context);

// checkouts/delete -> Deletion{kCart, platform_id = token or "", cart_token}.
// The 2026-07 payload names only the cart token; one of the two is required.
core::Result<core::model::ChangeSet> mapCheckoutDeletion(const nlohmann::json& payload,
                                                         const PayloadContext& context);

}  // namespace cartrelay::connectors::shopify
