#pragma once

#include "core/model/change_set.h"
#include "core/model/inbox_event.h"
#include "core/ports/event_mapper.h"
#include "core/util/result.h"

// Abandoned carts reported by WooCommerce plugins (shopify-woocommerce.md §7):
// core WooCommerce has no cart object before checkout, so these are the only
// sources for carts that never became an order. Pure, thread-safe; errors as
// in core::ports::EventMapper, naming the field and never its value. Money is
// in context.currency: neither plugin names a currency.
namespace cartrelay::connectors::woocommerce {

// Abandoned Cart Lite (Tyche) `wcap_cart.cutoff` / `wcap_cart.recovered`, a
// signed WooCommerce webhook whose JSON body is the plugin's cart record
// (id, user_id, user_type GUEST|REGISTERED, product_details, total,
// timestamp, billing_first_name, billing_last_name, billing_country,
// billing_zipcode, email_id, phone, checkout_link, ...).
//
// One CartChange: platform_cart_id "wcap-<id>", state open (`completed` when
// `recovered` is true), recovery_url = checkout_link, total = total. The buyer
// is the WooCommerce customer user_id when user_type is REGISTERED (guest ids
// are the plugin's own), else a guest known by email_id/phone.
//
// product_details has no documented shape. Accepted: an array (or a PHP
// associative array, i.e. an object) of objects with any of product_id,
// variation_id, product_name|name, quantity|qty (default 1), price (unit) or
// line_total|line_subtotal (the line); or of plain names; or one string of
// comma-separated names (each a titled item, quantity 1, price 0). Absent or
// anything else: no items, not an error.
//
// platform_updated_at_ms = timestamp (unix seconds as number or string, or
// ISO 8601 text), else received_at_ms. For `recovered` it is at least
// received_at_ms: the plugin sends the abandonment time there, and the
// recovery (delivered synchronously) must read as newer than the cut-off.
core::Result<core::model::ChangeSet> mapAbandonedCartLite(
    const core::model::InboxEvent& event, bool recovered,
    const core::ports::MappingContext& context);

// CartFlows "Cart Abandonment Recovery" webhook: an unsigned
// application/x-www-form-urlencoded POST (http_build_query) with first_name,
// last_name, phone_number, email, checkout_url, product_names, coupon_code,
// order_status and cart_total, among others.
//
// One CartChange: platform_cart_id "cartflows-" + the first 32 hex digits of
// SHA-256(checkout_url), or of the trimmed, lower-cased email when there is
// no checkout_url (kInvalidArgument when neither is there); state open for
// order_status abandoned/normal/failed, completed for completed, deleted for
// lost (anything else is kInvalidArgument); one titled item per
// comma-separated product name (quantity 1, price 0: the form carries no
// prices); total = cart_total; recovery_url = checkout_url; a guest buyer
// (phone default region: the shop's country, as the form has no country
// field); created/updated at received_at_ms, the form carrying no time.
core::Result<core::model::ChangeSet> mapCartFlows(const core::model::InboxEvent& event,
                                                  const core::ports::MappingContext& context);

}  // namespace cartrelay::connectors::woocommerce
