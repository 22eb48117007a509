#pragma once

#include <cstdint>
#include <string_view>

#include "core/model/change_set.h"
#include "core/ports/event_mapper.h"
#include "core/util/result.h"

// WooCommerce orders (core `order.*` webhooks and polled REST v3 order
// objects, which are the same JSON: shopify-woocommerce.md §6) in the
// normalised model. Pure, thread-safe; errors as in core::ports::EventMapper.
namespace cartrelay::connectors::woocommerce {

// One order object (`order.created`, `order.updated`, `order.restored`).
//
// WooCommerce has no abandoned-cart object (§7), so an unpaid order is the
// abandoned-cart candidate and its status decides what it becomes:
//   pending, failed, checkout-draft  -> CartChange, state open, platform_cart_id
//                                       = order id, recovery_url = payment_url
//   processing, on-hold, completed   -> OrderChange; financial_status "paid"
//                                       when date_paid_gmt is set, else
//                                       "pending"; fulfillment "fulfilled" for
//                                       completed, else ""
//   refunded                         -> OrderChange, financial_status "refunded"
//   cancelled, trash                 -> paid: OrderChange with cancelled_at =
//                                       date_modified_gmt; never paid: the shop
//                                       gave up on the checkout, CartChange
//                                       with state deleted
//   any other (plugin) status        -> paid: OrderChange as for processing
//                                       (a purchase must never look abandoned);
//                                       unpaid: ignored_because
// Every OrderChange has checkout_token = order id, so the applier completes
// the cart of the same id: a pending order that is later paid is one
// checkout.
//
// The buyer is the platform customer when customer_id != 0, else a guest
// known by billing e-mail/phone; either carries the billing names, phone
// (E.164 with the billing, else shipping, else shop country as default
// region) and address. With context.consent_meta_key set, an order meta
// entry under that key also yields a ConsentObservation (payload_mapping.h).
//
// Errors (kInvalidArgument, naming the field, never its value): body not a
// JSON object, id/status/total/date_created_gmt missing, an amount that is
// not an exact decimal, a line without a readable quantity or subtotal.
core::Result<core::model::ChangeSet> mapOrder(std::string_view body,
                                              const core::ports::MappingContext& context);

// `order.deleted` (body `{"id": N}`): the order and the cart of that id are
// gone. Both Deletions carry deleted_at_ms = received_at_ms, since the
// payload has no time of its own and the webhook fires on deletion.
core::Result<core::model::ChangeSet> mapOrderDeletion(std::string_view body,
                                                      std::int64_t received_at_ms);

}  // namespace cartrelay::connectors::woocommerce
