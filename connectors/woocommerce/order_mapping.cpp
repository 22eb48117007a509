#include "connectors/woocommerce/order_mapping.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "connectors/woocommerce/payload_mapping.h"
#include "core/util/decimal.h"
#include "core/util/text.h"

namespace cartrelay::connectors::woocommerce {

using core::Result;
using core::Status;
using core::model::CartState;
using core::model::ChangeSet;
using core::model::Customer;

namespace {

// One line_items entry, before it becomes a CartItem or an OrderItem (the
// two have the same shape).
struct Line {
  std::string product_id;
  std::string variant_id;
  std::string title;
  std::int64_t quantity = 0;
  std::int64_t unit_price_minor = 0;
};

// Everything an order says, whatever it turns into.
struct OrderFacts {
  std::string id;
  std::string number;
  std::string status;
  core::model::Money total;
  std::int64_t created_ms = 0;
  std::int64_t modified_ms = 0;
  std::optional<std::int64_t> paid_ms;
  std::string payment_url;
  bool contact_captured = false;
  std::optional<Customer> buyer;
  std::vector<Line> lines;
};

// What a status means for cartrelay (see the table in order_mapping.h).
struct Disposition {
  bool is_order = false;
  CartState cart_state = CartState::kOpen;  // when !is_order
  std::string financial_status;             // when is_order
  std::string fulfillment_status;
  bool cancelled = false;
};

std::optional<Disposition> dispositionOf(std::string_view status, bool paid) {
  std::string paid_word = paid ? "paid" : "pending";
  if (status == "pending" || status == "failed" || status == "checkout-draft") {
    return Disposition{false, CartState::kOpen, "", "", false};
  }
  if (status == "processing" || status == "on-hold") {
    return Disposition{true, CartState::kOpen, paid_word, "", false};
  }
  if (status == "completed")
    return Disposition{true, CartState::kOpen, paid_word, "fulfilled", false};
  if (status == "refunded") return Disposition{true, CartState::kOpen, "refunded", "", false};
  if (status == "cancelled" || status == "trash") {
    if (paid) return Disposition{true, CartState::kOpen, "paid", "", true};
    return Disposition{false, CartState::kDeleted, "", "", false};
  }
  // A plugin's own status ("shipped", "delivered", ...): only a payment tells
  // us it is a purchase.
  if (paid) return Disposition{true, CartState::kOpen, "paid", "", false};
  return std::nullopt;
}

// The unit price: subtotal / quantity when exact (subtotal is the line before
// discounts, as the shopper saw it in the cart); otherwise `price`, which
// WooCommerce computes as a PHP float; otherwise the rounded quotient.
Result<std::int64_t> readUnitPrice(const JsonField& item, std::int64_t quantity, int exponent) {
  CARTRELAY_ASSIGN_OR_RETURN(std::int64_t subtotal, readAmount(item["subtotal"], exponent));
  if (quantity > 0 && subtotal % quantity == 0) return subtotal / quantity;
  if (!item["price"].absent()) return readComputedAmount(item["price"], exponent);
  return unitPriceOf(subtotal, quantity);
}

Result<Line> readLine(const JsonField& item, int exponent) {
  if (!item.value().is_object()) return item.error("an object");
  Line line;
  CARTRELAY_ASSIGN_OR_RETURN(line.product_id, readOptionalId(item["product_id"]));
  CARTRELAY_ASSIGN_OR_RETURN(line.variant_id, readOptionalId(item["variation_id"]));
  CARTRELAY_ASSIGN_OR_RETURN(line.title, readText(item["name"]));
  if (item["quantity"].absent()) return item["quantity"].error("an integer");
  CARTRELAY_ASSIGN_OR_RETURN(line.quantity, readInteger(item["quantity"], 0));
  CARTRELAY_ASSIGN_OR_RETURN(line.unit_price_minor, readUnitPrice(item, line.quantity, exponent));
  return line;
}

Result<std::vector<Line>> readLines(const JsonField& items, int exponent) {
  std::vector<Line> lines;
  if (items.absent()) return lines;
  if (!items.value().is_array()) return items.error("an array");
  for (std::size_t i = 0; i < items.value().size(); ++i) {
    CARTRELAY_ASSIGN_OR_RETURN(Line line, readLine(items.at(i), exponent));
    lines.push_back(std::move(line));
  }
  return lines;
}

template <typename Item>
std::vector<Item> toItems(const std::vector<Line>& lines) {
  std::vector<Item> items;
  items.reserve(lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const Line& line = lines[i];
    items.push_back(Item{static_cast<int>(i), line.product_id, line.variant_id, line.title,
                         line.quantity, line.unit_price_minor});
  }
  return items;
}

Result<std::int64_t> requireTime(const JsonField& field) {
  CARTRELAY_ASSIGN_OR_RETURN(std::optional<std::int64_t> time, readTime(field));
  if (!time) return field.error("an ISO 8601 time");
  return *time;
}

// The buyer: a registered customer (customer_id != 0) or a guest known only by
// billing contact data; none when neither is there (a draft before the
// shopper typed anything).
Status readBuyer(const JsonField& order, const core::ports::MappingContext& context,
                 OrderFacts& facts) {
  CARTRELAY_ASSIGN_OR_RETURN(Customer contact,
                             readBillingContact(order["billing"], order["shipping"], context));
  facts.contact_captured =
      !core::trimAsciiWhitespace(contact.email).empty() || !contact.phone.empty();
  CARTRELAY_ASSIGN_OR_RETURN(std::int64_t customer_id, readInteger(order["customer_id"], 0));
  if (customer_id > 0) contact.platform_customer_id = std::to_string(customer_id);
  if (hasIdentity(contact)) facts.buyer = std::move(contact);
  return Status::ok();
}

Result<OrderFacts> readOrderFacts(const JsonField& order,
                                  const core::ports::MappingContext& context) {
  OrderFacts facts;
  CARTRELAY_ASSIGN_OR_RETURN(facts.id, readId(order["id"]));
  CARTRELAY_ASSIGN_OR_RETURN(facts.number, readText(order["number"]));
  CARTRELAY_ASSIGN_OR_RETURN(facts.status, readText(order["status"]));
  if (facts.status.empty()) return order["status"].error("an order status");
  CARTRELAY_ASSIGN_OR_RETURN(facts.total.currency, readCurrency(order["currency"], context));
  const int exponent = core::currencyExponent(facts.total.currency);
  CARTRELAY_ASSIGN_OR_RETURN(facts.total.minor, readAmount(order["total"], exponent));
  CARTRELAY_ASSIGN_OR_RETURN(facts.created_ms, requireTime(order["date_created_gmt"]));
  CARTRELAY_ASSIGN_OR_RETURN(std::optional<std::int64_t> modified,
                             readTime(order["date_modified_gmt"]));
  facts.modified_ms = modified.value_or(facts.created_ms);
  CARTRELAY_ASSIGN_OR_RETURN(facts.paid_ms, readTime(order["date_paid_gmt"]));
  CARTRELAY_ASSIGN_OR_RETURN(facts.payment_url, readText(order["payment_url"]));
  CARTRELAY_RETURN_IF_ERROR(readBuyer(order, context, facts));
  CARTRELAY_ASSIGN_OR_RETURN(facts.lines, readLines(order["line_items"], exponent));
  return facts;
}

core::model::CartChange toCartChange(OrderFacts facts, CartState state) {
  core::model::CartChange change;
  core::model::Cart& cart = change.cart;
  cart.platform_cart_id = facts.id;
  cart.total = facts.total;
  cart.recovery_url = std::move(facts.payment_url);
  cart.contact_captured = facts.contact_captured;
  cart.state = state;
  cart.platform_created_at_ms = facts.created_ms;
  cart.platform_updated_at_ms = facts.modified_ms;
  cart.items = toItems<core::model::CartItem>(facts.lines);
  change.buyer = std::move(facts.buyer);
  return change;
}

core::model::OrderChange toOrderChange(OrderFacts facts, const Disposition& disposition) {
  core::model::OrderChange change;
  core::model::Order& order = change.order;
  order.platform_order_id = facts.id;
  order.name = std::move(facts.number);
  order.checkout_token = facts.id;
  order.total = facts.total;
  order.financial_status = disposition.financial_status;
  order.fulfillment_status = disposition.fulfillment_status;
  order.placed_at_ms = facts.created_ms;
  if (disposition.cancelled) order.cancelled_at_ms = facts.modified_ms;
  order.platform_updated_at_ms = facts.modified_ms;
  order.items = toItems<core::model::OrderItem>(facts.lines);
  change.buyer = std::move(facts.buyer);
  return change;
}

}  // namespace

Result<ChangeSet> mapOrder(std::string_view body, const core::ports::MappingContext& context) {
  CARTRELAY_ASSIGN_OR_RETURN(nlohmann::json document, parseJsonObject(body));
  const JsonField order(document);
  CARTRELAY_ASSIGN_OR_RETURN(OrderFacts facts, readOrderFacts(order, context));

  ChangeSet changes;
  std::optional<Disposition> disposition = dispositionOf(facts.status, facts.paid_ms.has_value());
  if (!disposition) {
    changes.ignored_because = "unpaid order in status " + safeWord(facts.status);
    return changes;
  }
  if (facts.buyer) {
    CARTRELAY_ASSIGN_OR_RETURN(auto consent, readMetaConsent(order["meta_data"], *facts.buyer,
                                                             facts.modified_ms, context));
    if (consent) changes.consents.push_back(std::move(*consent));
  }
  if (disposition->is_order) {
    changes.orders.push_back(toOrderChange(std::move(facts), *disposition));
  } else {
    changes.carts.push_back(toCartChange(std::move(facts), disposition->cart_state));
  }
  return changes;
}

Result<ChangeSet> mapOrderDeletion(std::string_view body, std::int64_t received_at_ms) {
  CARTRELAY_ASSIGN_OR_RETURN(nlohmann::json document, parseJsonObject(body));
  CARTRELAY_ASSIGN_OR_RETURN(std::string id, readId(JsonField(document)["id"]));
  using core::model::Deletion;
  using core::model::DeletionKind;
  ChangeSet changes;
  changes.deletions.push_back(Deletion{DeletionKind::kOrder, id, "", received_at_ms});
  changes.deletions.push_back(Deletion{DeletionKind::kCart, id, "", received_at_ms});
  return changes;
}

}  // namespace cartrelay::connectors::woocommerce
