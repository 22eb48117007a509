#include "connectors/shopify/order_mapping.h"

#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "connectors/shopify/commerce_fields.h"
#include "connectors/shopify/consent_mapping.h"
#include "connectors/shopify/customer_mapping.h"
#include "connectors/shopify/json_fields.h"
#include "core/util/text.h"

namespace cartrelay::connectors::shopify {

namespace {

using core::Result;
using core::Status;
using core::model::ChangeSet;
using core::model::Customer;
using core::model::Order;
using core::model::OrderChange;

constexpr std::string_view kEmailBoxSource = "shopify:order.buyer_accepts_marketing";

Status readStatuses(const JsonField& root, Order& order) {
  CARTRELAY_ASSIGN_OR_RETURN(std::string financial, root["financial_status"].text());
  order.financial_status = core::asciiLower(financial);
  CARTRELAY_ASSIGN_OR_RETURN(std::string fulfillment, root["fulfillment_status"].text());
  order.fulfillment_status = core::asciiLower(fulfillment);
  return Status::ok();
}

Status readTimes(const JsonField& root, const PayloadContext& context, Order& order) {
  CARTRELAY_ASSIGN_OR_RETURN(auto updated, root["updated_at"].time());
  order.platform_updated_at_ms = updated.value_or(context.fallback_time_ms);
  // processed_at is when the sale happened (it differs from created_at for
  // imported orders); the legacy payload has it null.
  CARTRELAY_ASSIGN_OR_RETURN(auto processed, root["processed_at"].time());
  CARTRELAY_ASSIGN_OR_RETURN(auto created, root["created_at"].time());
  order.placed_at_ms = processed.value_or(created.value_or(order.platform_updated_at_ms));
  CARTRELAY_ASSIGN_OR_RETURN(order.cancelled_at_ms, root["cancelled_at"].time());
  return Status::ok();
}

Result<Order> orderFrom(const JsonField& root, const PayloadContext& context) {
  Order order;
  CARTRELAY_ASSIGN_OR_RETURN(order.platform_order_id, root["id"].requiredId());
  CARTRELAY_ASSIGN_OR_RETURN(order.name, root["name"].text());
  CARTRELAY_ASSIGN_OR_RETURN(order.checkout_token, root["checkout_token"].text());
  CARTRELAY_ASSIGN_OR_RETURN(order.cart_token, root["cart_token"].text());
  CARTRELAY_ASSIGN_OR_RETURN(const std::string currency, currencyOf(root, context));
  CARTRELAY_ASSIGN_OR_RETURN(order.total, totalOf(root, currency));
  CARTRELAY_ASSIGN_OR_RETURN(auto lines, lineItemsOf(root, currency));
  order.items = toItems<core::model::OrderItem>(lines);
  CARTRELAY_RETURN_IF_ERROR(readStatuses(root, order));
  CARTRELAY_RETURN_IF_ERROR(readTimes(root, context, order));
  return order;
}

Status appendTickedBox(const JsonField& root, const std::optional<Customer>& buyer,
                       std::int64_t observed_at_ms,
                       std::vector<core::model::ConsentObservation>& out) {
  CARTRELAY_ASSIGN_OR_RETURN(const bool ticked, root["buyer_accepts_marketing"].flag());
  if (!ticked) return Status::ok();
  Customer subject = buyer ? identityOf(*buyer) : Customer();
  // The box refers to the address typed into this order, which may differ
  // from the customer record's.
  CARTRELAY_ASSIGN_OR_RETURN(std::string email, root["email"].text());
  if (email.empty()) {
    CARTRELAY_ASSIGN_OR_RETURN(email, root["contact_email"].text());
  }
  if (!email.empty()) subject.email = std::move(email);
  if (identifiesSomebody(subject)) {
    out.push_back(
        tickedBoxObservation(subject, "email", std::string(kEmailBoxSource), observed_at_ms));
  }
  return Status::ok();
}

}  // namespace

Result<ChangeSet> mapOrder(const nlohmann::json& payload, const PayloadContext& context) {
  const JsonField root(payload, "");
  CARTRELAY_RETURN_IF_ERROR(root.requireObject());
  ChangeSet changes;
  if (root["id"].isNull() && root["order_edit"].isObject()) {
    changes.ignored_because = "order edit delta; orders/updated carries the order";
    return changes;
  }
  OrderChange change;
  CARTRELAY_ASSIGN_OR_RETURN(change.order, orderFrom(root, context));
  CARTRELAY_ASSIGN_OR_RETURN(change.buyer, buyerOf(root, context));
  CARTRELAY_RETURN_IF_ERROR(
      appendTickedBox(root, change.buyer, change.order.platform_updated_at_ms, changes.consents));
  if (change.buyer && !root["customer"].isNull()) {
    CARTRELAY_RETURN_IF_ERROR(
        appendCustomerConsents(root["customer"], *change.buyer, context, changes.consents));
  }
  changes.orders.push_back(std::move(change));
  return changes;
}

Result<ChangeSet> mapOrderDeletion(const nlohmann::json& payload, const PayloadContext&) {
  const JsonField root(payload, "");
  CARTRELAY_RETURN_IF_ERROR(root.requireObject());
  core::model::Deletion deletion;
  deletion.kind = core::model::DeletionKind::kOrder;
  CARTRELAY_ASSIGN_OR_RETURN(deletion.platform_id, root["id"].requiredId());
  ChangeSet changes;
  changes.deletions.push_back(std::move(deletion));
  return changes;
}

}  // namespace cartrelay::connectors::shopify
