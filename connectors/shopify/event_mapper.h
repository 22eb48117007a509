#pragma once

#include "core/model/change_set.h"
#include "core/model/inbox_event.h"
#include "core/ports/event_mapper.h"
#include "core/util/result.h"

namespace cartrelay::connectors::shopify {

// The Shopify side of core::ports::EventMapper: one stored inbox event
// (webhook or poll) to the normalised model, dispatched on event.topic:
//
//   checkouts/create|update            -> CartChange        (checkout_mapping.h)
//   checkouts/delete                   -> Deletion kCart
//   orders/create|updated|paid|fulfilled|partially_fulfilled|cancelled|edited
//                                      -> OrderChange       (order_mapping.h)
//   orders/delete                      -> Deletion kOrder
//   customers/create|update            -> Customer (+ consent objects) (customer_mapping.h)
//   customers/delete                   -> Deletion kCustomer
//   customers_email_marketing_consent/update, customers_marketing_consent/update,
//   customers_whats_app_marketing_consent/update
//                                      -> ConsentObservation (consent_mapping.h)
//   customers/data_request, customers/redact, shop/redact -> SubjectRequest
//   products/create|update             -> Product           (product_mapping.h)
//   graphql/<resource>                 -> mapGraphqlNode (graphql_mapping.h)
//   anything else                      -> empty, ignored_because set
//
// Timestamps a payload lacks come from the X-Shopify-Triggered-At header in
// event.headers_json, else event.received_at_ms (payload_context.h).
//
// Contract (core/ports/event_mapper.h): pure, same event -> same ChangeSet;
// kInvalidArgument without personal data for a body that is not what its
// topic promises. Thread-safety: stateless; share one instance freely.
class ShopifyEventMapper final : public core::ports::EventMapper {
 public:
  ShopifyEventMapper() = default;
  ShopifyEventMapper(const ShopifyEventMapper&) = default;
  ShopifyEventMapper& operator=(const ShopifyEventMapper&) = default;
  ShopifyEventMapper(ShopifyEventMapper&&) = default;
  ShopifyEventMapper& operator=(ShopifyEventMapper&&) = default;
  ~ShopifyEventMapper() override = default;

  core::Result<core::model::ChangeSet> map(
      const core::model::InboxEvent& event,
      const core::ports::MappingContext& context) const override;
};

}  // namespace cartrelay::connectors::shopify
