#include "connectors/shopify/event_mapper.h"

#include <string_view>

#include <nlohmann/json.hpp>

#include "connectors/shopify/checkout_mapping.h"
#include "connectors/shopify/consent_mapping.h"
#include "connectors/shopify/customer_mapping.h"
#include "connectors/shopify/graphql_mapping.h"
#include "connectors/shopify/json_fields.h"
#include "connectors/shopify/order_mapping.h"
#include "connectors/shopify/payload_context.h"
#include "connectors/shopify/product_mapping.h"

namespace cartrelay::connectors::shopify {

namespace {

using core::Result;
using core::model::ChangeSet;
using core::model::SubjectRequestKind;

using TopicMapping = Result<ChangeSet> (*)(const nlohmann::json&, const PayloadContext&);

struct TopicRoute {
  std::string_view topic;
  TopicMapping map;
};

constexpr std::string_view kGraphqlPrefix = "graphql/";

// Shopify topic names (shared/reference/shopify-woocommerce.md §2). A topic
// not listed here is understood and deliberately unused.
constexpr TopicRoute kRoutes[] = {
    {"checkouts/create", &mapCheckout},
    {"checkouts/update", &mapCheckout},
    {"checkouts/delete", &mapCheckoutDeletion},
    {"orders/create", &mapOrder},
    {"orders/updated", &mapOrder},
    {"orders/paid", &mapOrder},
    {"orders/fulfilled", &mapOrder},
    {"orders/partially_fulfilled", &mapOrder},
    {"orders/cancelled", &mapOrder},
    {"orders/edited", &mapOrder},
    {"orders/delete", &mapOrderDeletion},
    {"customers/create", &mapCustomer},
    {"customers/update", &mapCustomer},
    {"customers/delete", &mapCustomerDeletion},
    {"customers_email_marketing_consent/update", &mapEmailConsentUpdate},
    {"customers_marketing_consent/update", &mapSmsConsentUpdate},
    {"customers_whats_app_marketing_consent/update", &mapWhatsAppConsentUpdate},
    {"customers/data_request",
     [](const nlohmann::json& p, const PayloadContext& c) {
       return mapSubjectRequest(SubjectRequestKind::kDataRequest, p, c);
     }},
    {"customers/redact",
     [](const nlohmann::json& p, const PayloadContext& c) {
       return mapSubjectRequest(SubjectRequestKind::kCustomerRedact, p, c);
     }},
    {"shop/redact",
     [](const nlohmann::json& p, const PayloadContext& c) {
       return mapSubjectRequest(SubjectRequestKind::kShopRedact, p, c);
     }},
    {"products/create", &mapProduct},
    {"products/update", &mapProduct},
};

TopicMapping routeFor(std::string_view topic) {
  for (const TopicRoute& route : kRoutes) {
    if (route.topic == topic) return route.map;
  }
  return nullptr;
}

}  // namespace

Result<ChangeSet> ShopifyEventMapper::map(const core::model::InboxEvent& event,
                                          const core::ports::MappingContext& context) const {
  const std::string_view topic = event.topic;
  if (topic.starts_with(kGraphqlPrefix)) {
    return mapGraphqlNode(topic.substr(kGraphqlPrefix.size()), event.body, context);
  }
  const TopicMapping mapping = routeFor(topic);
  if (mapping == nullptr) {
    ChangeSet ignored;
    ignored.ignored_because = "topic not used by cartrelay";
    return ignored;
  }
  CARTRELAY_ASSIGN_OR_RETURN(const nlohmann::json payload, parseJsonBody(event.body));
  try {
    return mapping(payload, makePayloadContext(event, context));
  } catch (const nlohmann::json::exception&) {
    // The accessors check types first, so this is a shape json_fields.h did not
    // foresee; quarantine the event rather than fail the worker. e.what() is
    // not used: nlohmann messages may quote the payload.
    return core::Status::invalidArgument("payload has an unexpected shape");
  }
}

}  // namespace cartrelay::connectors::shopify
