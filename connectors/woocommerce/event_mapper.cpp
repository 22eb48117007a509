#include "connectors/woocommerce/event_mapper.h"

#include <exception>
#include <string>
#include <string_view>

#include "connectors/woocommerce/cart_plugin_mapping.h"
#include "connectors/woocommerce/customer_mapping.h"
#include "connectors/woocommerce/order_mapping.h"
#include "connectors/woocommerce/payload_mapping.h"
#include "core/util/text.h"

namespace cartrelay::connectors::woocommerce {

using core::Result;
using core::model::ChangeSet;

namespace {

ChangeSet ignored(std::string reason) {
  ChangeSet changes;
  changes.ignored_because = std::move(reason);
  return changes;
}

std::string normalisedTopic(std::string_view topic) {
  return core::asciiLower(core::trimAsciiWhitespace(topic));
}

Result<ChangeSet> dispatch(const core::model::InboxEvent& event,
                           const core::ports::MappingContext& context) {
  const std::string topic = normalisedTopic(event.topic);
  if (topic == "order.created" || topic == "order.updated" || topic == "order.restored") {
    return mapOrder(event.body, context);
  }
  if (topic == "order.deleted") return mapOrderDeletion(event.body, event.received_at_ms);
  if (topic == "customer.created" || topic == "customer.updated") {
    return mapCustomer(event.body, event.received_at_ms, context);
  }
  if (topic == "customer.deleted") return mapCustomerDeletion(event.body, event.received_at_ms);
  if (topic == "product.created" || topic == "product.updated") {
    return mapProduct(event.body, event.received_at_ms);
  }
  if (topic == "product.deleted") {
    // Past orders keep naming the product, and segments ask what was bought.
    return ignored("product deletions are not tracked: order history keeps the product");
  }
  if (topic == "wcap_cart.cutoff") return mapAbandonedCartLite(event, false, context);
  if (topic == "wcap_cart.recovered") return mapAbandonedCartLite(event, true, context);
  if (topic == "cartflows") return mapCartFlows(event, context);
  if (topic.starts_with("action.")) {
    return ignored("custom action webhooks carry no cart, order or customer");
  }
  return ignored("topic " + safeWord(topic) + " is not used by cartrelay");
}

}  // namespace

Result<ChangeSet> WooCommerceEventMapper::map(const core::model::InboxEvent& event,
                                              const core::ports::MappingContext& context) const {
  // The mappings check types before every access, so nlohmann should never
  // throw; this is the classifying boundary in case it does (house style).
  // Its message is not passed on: parse errors quote the input.
  try {
    return dispatch(event, context);
  } catch (const std::exception&) {
    return core::Status::invalidArgument("payload could not be read as topic " +
                                         safeWord(normalisedTopic(event.topic)));
  }
}

}  // namespace cartrelay::connectors::woocommerce
