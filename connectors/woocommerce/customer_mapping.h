#pragma once

#include <cstdint>
#include <string_view>

#include "core/model/change_set.h"
#include "core/ports/event_mapper.h"
#include "core/util/result.h"

// WooCommerce customers and products (core `customer.*` / `product.*`
// webhooks and the REST v3 objects the poller stores under the same topics)
// in the normalised model. Pure, thread-safe; errors as in
// core::ports::EventMapper, naming the field and never its value.
namespace cartrelay::connectors::woocommerce {

// One customer object (`customer.created`, `customer.updated`): a Customer
// with platform_customer_id = id, e-mail and names (the account's, else the
// billing block's), the billing phone in E.164 (default region billing, else
// shipping, else shop country), the billing address, and
// platform_updated_at_ms = date_modified_gmt (else date_created_gmt, else
// received_at_ms: a customer never edited has no modification date, and 0
// would let any later event look newer forever). With
// context.consent_meta_key set, a meta entry under that key also yields a
// ConsentObservation.
core::Result<core::model::ChangeSet> mapCustomer(std::string_view body, std::int64_t received_at_ms,
                                                 const core::ports::MappingContext& context);

// `customer.deleted` (body `{"id": N}`): Deletion{kCustomer, id} at
// received_at_ms.
core::Result<core::model::ChangeSet> mapCustomerDeletion(std::string_view body,
                                                         std::int64_t received_at_ms);

// One product object (`product.created`, `product.updated`): a Product with
// platform_product_id = id, title = name, the category and tag names, and
// platform_updated_at_ms = date_modified_gmt (else date_created_gmt, else
// received_at_ms).
core::Result<core::model::ChangeSet> mapProduct(std::string_view body, std::int64_t received_at_ms);

}  // namespace cartrelay::connectors::woocommerce
