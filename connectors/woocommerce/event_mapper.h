#pragma once

#include "core/model/change_set.h"
#include "core/model/inbox_event.h"
#include "core/ports/event_mapper.h"
#include "core/util/result.h"

namespace cartrelay::connectors::woocommerce {

// Maps one stored WooCommerce inbox event to the normalised model, by topic
// (the X-WC-Webhook-Topic value; the poller stores REST objects under the
// same topics, since webhook payloads are REST responses):
//
//   order.created | order.updated | order.restored   mapOrder (order_mapping.h):
//                                                    a cart or an order, by status
//   order.deleted                                    Deletion of the order and
//                                                    of the cart of that id
//   customer.created | customer.updated              mapCustomer (customer_mapping.h)
//   customer.deleted                                 Deletion of the customer
//   product.created | product.updated                mapProduct (customer_mapping.h)
//   wcap_cart.cutoff | wcap_cart.recovered           Abandoned Cart Lite carts
//                                                    (cart_plugin_mapping.h)
//   cartflows                                        CartFlows' form POST
//                                                    (cart_plugin_mapping.h)
//   product.deleted, action.*, coupon.*, anything    empty ChangeSet with
//   else                                             ignored_because
//
// Topics are matched after trimming ASCII whitespace and lower-casing ASCII.
//
// Contract: core::ports::EventMapper. Pure (the result depends on the event
// and the context only; received_at_ms stands in for times a payload lacks),
// deterministic, and kInvalidArgument with a message that names the field
// but never quotes payload values. No exception escapes.
//
// Thread-safety: stateless; one instance may be shared by all threads.
class WooCommerceEventMapper final : public core::ports::EventMapper {
 public:
  WooCommerceEventMapper() = default;
  WooCommerceEventMapper(const WooCommerceEventMapper&) = default;
  WooCommerceEventMapper& operator=(const WooCommerceEventMapper&) = default;
  WooCommerceEventMapper(WooCommerceEventMapper&&) noexcept = default;
  WooCommerceEventMapper& operator=(WooCommerceEventMapper&&) noexcept = default;
  ~WooCommerceEventMapper() override = default;

  core::Result<core::model::ChangeSet> map(
      const core::model::InboxEvent& event,
      const core::ports::MappingContext& context) const override;
};

}  // namespace cartrelay::connectors::woocommerce
