#pragma once

#include <string_view>

#include "core/model/change_set.h"
#include "core/ports/event_mapper.h"
#include "core/util/result.h"

namespace cartrelay::connectors::shopify {

// Maps one node of a polled Admin GraphQL query, stored in the inbox by the
// Shopify poller under topic "graphql/<resource>" ("graphql/abandoned_checkout",
// "graphql/order", "graphql/customer", "graphql/product"), to the same
// normalised model the webhooks map to: a checkout seen by webhook and by
// polling is one checkout (same platform_cart_id: the checkout token).
//
// Pure, with the error contract of core::ports::EventMapper.
core::Result<core::model::ChangeSet> mapGraphqlNode(std::string_view resource,
                                                    std::string_view body,
                                                    const core::ports::MappingContext& context);

}  // namespace cartrelay::connectors::shopify
