#include "connectors/shopify/graphql_mapping.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/util/clock.h"
#include "core/util/decimal.h"
#include "core/util/phone.h"
#include "core/util/text.h"

// The node shapes read here are the ones connectors/shopify/poller.cpp asks
// for (its query text is the contract); every field is optional except the
// ids and times a node cannot be placed without. Errors name the field by
// path and never quote a value: nodes carry personal data.
namespace cartrelay::connectors::shopify {
namespace {

using core::Result;
using core::Status;
using core::model::Address;
using core::model::CartChange;
using core::model::ChangeSet;
using core::model::ConsentObservation;
using core::model::Customer;
using core::model::Money;
using core::model::OrderChange;
using Json = nlohmann::json;

std::string join(const std::string& path, const char* key) {
  return path.empty() ? std::string(key) : path + "." + key;
}

const Json& nullJson() {
  static const Json kNull;
  return kNull;
}

// The member `key` of `object`, or null when absent or `object` is no object.
const Json& member(const Json& object, const char* key) {
  if (!object.is_object()) return nullJson();
  auto it = object.find(key);
  return it == object.end() ? nullJson() : *it;
}

Result<std::string> textAt(const Json& object, const char* key, const std::string& path) {
  const Json& value = member(object, key);
  if (value.is_null()) return std::string();
  if (!value.is_string()) return Status::invalidArgument(join(path, key) + ": expected a string");
  return value.get<std::string>();
}

// "gid://shopify/Order/450789469" -> "450789469": the same decimal id the
// REST API and the webhooks use, so a polled and a pushed object are one row.
Result<std::string> numericIdAt(const Json& object, const char* key, const std::string& path,
                                bool required) {
  CARTRELAY_ASSIGN_OR_RETURN(std::string gid, textAt(object, key, path));
  if (gid.empty()) {
    if (required) return Status::invalidArgument(join(path, key) + ": missing");
    return std::string();
  }
  std::string id = gid;
  const auto slash = gid.rfind('/');
  if (slash != std::string::npos) id = gid.substr(slash + 1);
  const auto query = id.find('?');  // gid://shopify/Foo/1?param=... (rare)
  if (query != std::string::npos) id.resize(query);
  if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos)
    return Status::invalidArgument(join(path, key) + ": expected a Shopify global id");
  return id;
}

Result<std::optional<core::EpochMillis>> timeAt(const Json& object, const char* key,
                                                const std::string& path) {
  CARTRELAY_ASSIGN_OR_RETURN(std::string text, textAt(object, key, path));
  if (text.empty()) return std::optional<core::EpochMillis>();
  auto parsed = core::parseIso8601(text);
  if (!parsed.isOk())
    return Status::invalidArgument(join(path, key) + ": expected an ISO 8601 time");
  return std::optional<core::EpochMillis>(*parsed);
}

Result<core::EpochMillis> requiredTimeAt(const Json& object, const char* key,
                                         const std::string& path) {
  CARTRELAY_ASSIGN_OR_RETURN(auto time, timeAt(object, key, path));
  if (!time) return Status::invalidArgument(join(path, key) + ": missing");
  return *time;
}

// A MoneyBag's shop-currency amount ({shopMoney{amount currencyCode}}):
// amounts in the shop's currency, like REST total_price and the webhooks.
// `fallback_currency` applies when the node names none.
Result<std::optional<Money>> moneyAt(const Json& object, const char* key, const std::string& path,
                                     const std::string& fallback_currency) {
  const Json& bag = member(object, key);
  if (bag.is_null()) return std::optional<Money>();
  const std::string bag_path = join(path, key);
  const Json& shop_money = member(bag, "shopMoney");
  if (!shop_money.is_object())
    return Status::invalidArgument(bag_path + ".shopMoney: expected an object");
  const std::string money_path = bag_path + ".shopMoney";
  Money money;
  CARTRELAY_ASSIGN_OR_RETURN(std::string currency, textAt(shop_money, "currencyCode", money_path));
  money.currency = core::asciiUpper(currency.empty() ? fallback_currency : currency);
  const Json& amount = member(shop_money, "amount");
  std::string amount_text;
  if (amount.is_string()) {
    amount_text = amount.get<std::string>();
  } else if (amount.is_number_integer()) {
    amount_text = amount.dump();  // JSON text, never through a double
  } else {
    return Status::invalidArgument(money_path + ".amount: expected a decimal string");
  }
  auto minor = core::parseDecimalMinor(amount_text, core::currencyExponent(money.currency));
  if (!minor.isOk())
    return Status::invalidArgument(money_path + ".amount: expected a decimal string");
  money.minor = *minor;
  return std::optional<Money>(std::move(money));
}

Result<Address> addressAt(const Json& object, const char* key, const std::string& path) {
  Address address;
  const Json& value = member(object, key);
  if (value.is_null()) return address;
  const std::string p = join(path, key);
  if (!value.is_object()) return Status::invalidArgument(p + ": expected an object");
  CARTRELAY_ASSIGN_OR_RETURN(address.address1, textAt(value, "address1", p));
  CARTRELAY_ASSIGN_OR_RETURN(address.address2, textAt(value, "address2", p));
  CARTRELAY_ASSIGN_OR_RETURN(address.city, textAt(value, "city", p));
  CARTRELAY_ASSIGN_OR_RETURN(address.province, textAt(value, "province", p));
  CARTRELAY_ASSIGN_OR_RETURN(address.postal_code, textAt(value, "zip", p));
  CARTRELAY_ASSIGN_OR_RETURN(std::string country, textAt(value, "countryCodeV2", p));
  address.country_code = core::asciiUpper(country);
  return address;
}

// Numbers written without a country code are read in the customer's own
// country when known, else in the shop's (DESIGN.md "Phones"), as the
// webhook mapping does.
void setPhone(Customer& customer, const std::string& raw,
              const core::ports::MappingContext& context) {
  const std::string region =
      customer.address.country_code.empty() ? context.country : customer.address.country_code;
  const core::NormalisedPhone phone = core::normalisePhone(raw, region);
  customer.phone = phone.value;
  customer.phone_valid = phone.valid;
}

Result<std::vector<std::string>> tagsAt(const Json& object, const char* key,
                                        const std::string& path) {
  std::vector<std::string> tags;
  const Json& value = member(object, key);
  if (value.is_null()) return tags;
  if (!value.is_array()) return Status::invalidArgument(join(path, key) + ": expected an array");
  for (const Json& tag : value) {
    if (!tag.is_string()) return Status::invalidArgument(join(path, key) + ": expected strings");
    std::string text = tag.get<std::string>();
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    text = text.substr(first, text.find_last_not_of(" \t") - first + 1);
    tags.push_back(std::move(text));
  }
  return tags;
}

bool identifiesSomebody(const Customer& customer) {
  return !customer.platform_customer_id.empty() || !customer.phone.empty() ||
         !customer.email.empty();
}

Customer identityOf(const Customer& customer) {
  Customer identity;
  identity.platform_customer_id = customer.platform_customer_id;
  identity.phone = customer.phone;
  identity.phone_valid = customer.phone_valid;
  identity.email = customer.email;
  return identity;
}

// A Customer node (the poller's customer fragment). Appends the WhatsApp
// consent it carries, if any, to `consents`.
Result<Customer> customerFrom(const Json& node, const std::string& path,
                              const core::ports::MappingContext& context,
                              std::vector<ConsentObservation>& consents) {
  if (!node.is_object()) return Status::invalidArgument(path + ": expected an object");
  Customer customer;
  CARTRELAY_ASSIGN_OR_RETURN(customer.platform_customer_id, numericIdAt(node, "id", path, true));
  CARTRELAY_ASSIGN_OR_RETURN(customer.first_name, textAt(node, "firstName", path));
  CARTRELAY_ASSIGN_OR_RETURN(customer.last_name, textAt(node, "lastName", path));
  const Json& email = member(node, "defaultEmailAddress");
  CARTRELAY_ASSIGN_OR_RETURN(customer.email,
                             textAt(email, "emailAddress", join(path, "defaultEmailAddress")));
  CARTRELAY_ASSIGN_OR_RETURN(customer.address, addressAt(node, "defaultAddress", path));
  const Json& phone = member(node, "defaultPhoneNumber");
  const std::string phone_path = join(path, "defaultPhoneNumber");
  CARTRELAY_ASSIGN_OR_RETURN(std::string raw_phone, textAt(phone, "phoneNumber", phone_path));
  setPhone(customer, raw_phone, context);
  CARTRELAY_ASSIGN_OR_RETURN(customer.tags, tagsAt(node, "tags", path));
  CARTRELAY_ASSIGN_OR_RETURN(auto updated, timeAt(node, "updatedAt", path));
  customer.platform_updated_at_ms = updated.value_or(0);

  const Json& consent = member(phone, "whatsAppMarketingConsent");
  if (consent.is_object()) {
    const std::string consent_path = phone_path + ".whatsAppMarketingConsent";
    ConsentObservation observation;
    observation.subject = identityOf(customer);
    observation.channel = "whatsapp";
    CARTRELAY_ASSIGN_OR_RETURN(std::string state, textAt(consent, "state", consent_path));
    observation.state = core::asciiLower(state);
    CARTRELAY_ASSIGN_OR_RETURN(std::string level, textAt(consent, "optInLevel", consent_path));
    observation.opt_in_level = core::asciiLower(level);
    CARTRELAY_ASSIGN_OR_RETURN(observation.collected_from,
                               textAt(consent, "collectedFrom", consent_path));
    observation.source = "shopify:graphql/customer";
    CARTRELAY_ASSIGN_OR_RETURN(auto changed, timeAt(consent, "updatedAt", consent_path));
    observation.observed_at_ms = changed.value_or(customer.platform_updated_at_ms);
    if (!observation.state.empty()) consents.push_back(std::move(observation));
  }
  return customer;
}

// The buyer of a checkout or order node: its customer when present, else a
// guest from the node's email/phone (orders) and the billing (else
// shipping) address. nullopt when nobody is named.
Result<std::optional<Customer>> buyerFrom(const Json& node,
                                          const core::ports::MappingContext& context,
                                          std::vector<ConsentObservation>& consents) {
  const Json& customer = member(node, "customer");
  if (!customer.is_null()) {
    CARTRELAY_ASSIGN_OR_RETURN(Customer known,
                               customerFrom(customer, "customer", context, consents));
    return std::optional<Customer>(std::move(known));
  }
  Customer guest;
  CARTRELAY_ASSIGN_OR_RETURN(guest.email, textAt(node, "email", ""));
  const char* address_key =
      member(node, "billingAddress").is_null() ? "shippingAddress" : "billingAddress";
  CARTRELAY_ASSIGN_OR_RETURN(guest.address, addressAt(node, address_key, ""));
  const Json& address = member(node, address_key);
  CARTRELAY_ASSIGN_OR_RETURN(guest.first_name, textAt(address, "firstName", address_key));
  CARTRELAY_ASSIGN_OR_RETURN(guest.last_name, textAt(address, "lastName", address_key));
  CARTRELAY_ASSIGN_OR_RETURN(std::string phone, textAt(node, "phone", ""));
  if (phone.empty()) {
    CARTRELAY_ASSIGN_OR_RETURN(phone, textAt(address, "phone", address_key));
  }
  setPhone(guest, phone, context);
  if (!identifiesSomebody(guest)) return std::optional<Customer>();
  return std::optional<Customer>(std::move(guest));
}

template <typename Item>
Result<std::vector<Item>> itemsFrom(const Json& node, const std::string& currency) {
  std::vector<Item> items;
  const Json& connection = member(node, "lineItems");
  if (connection.is_null()) return items;
  const Json& nodes = member(connection, "nodes");
  if (!nodes.is_array()) return Status::invalidArgument("lineItems.nodes: expected an array");
  int line = 0;
  for (const Json& line_node : nodes) {
    const std::string path = "lineItems.nodes[" + std::to_string(line) + "]";
    if (!line_node.is_object()) return Status::invalidArgument(path + ": expected an object");
    Item item;
    item.line = line;
    CARTRELAY_ASSIGN_OR_RETURN(item.title, textAt(line_node, "title", path));
    CARTRELAY_ASSIGN_OR_RETURN(
        item.product_id, numericIdAt(member(line_node, "product"), "id", path + ".product", false));
    CARTRELAY_ASSIGN_OR_RETURN(
        item.variant_id, numericIdAt(member(line_node, "variant"), "id", path + ".variant", false));
    const Json& quantity = member(line_node, "quantity");
    if (!quantity.is_number_integer())
      return Status::invalidArgument(path + ".quantity: expected an integer");
    item.quantity = quantity.get<std::int64_t>();
    CARTRELAY_ASSIGN_OR_RETURN(auto price,
                               moneyAt(line_node, "originalUnitPriceSet", path, currency));
    if (!price) return Status::invalidArgument(path + ".originalUnitPriceSet: missing");
    item.unit_price_minor = price->minor;
    items.push_back(std::move(item));
    ++line;
  }
  return items;
}

// The checkout token of an abandonedCheckoutUrl: the path segment before
// "recover" (".../checkouts/<token>/recover?key=..."), else the one after
// "checkouts". GraphQL's AbandonedCheckout has no token field, and the
// webhooks identify a checkout by this token.
std::string checkoutTokenOf(const std::string& url) {
  std::string path = url;
  const auto scheme = path.find("://");
  if (scheme != std::string::npos) {
    const auto slash = path.find('/', scheme + 3);
    path = slash == std::string::npos ? std::string() : path.substr(slash);
  }
  const auto end = path.find_first_of("?#");
  if (end != std::string::npos) path.resize(end);
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const std::string segment =
        path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!segment.empty()) segments.push_back(segment);
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  for (std::size_t i = 1; i < segments.size(); ++i) {
    if (segments[i] == "recover" && segments[i - 1] != "checkouts") return segments[i - 1];
  }
  for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
    if (segments[i] == "checkouts" && segments[i + 1] != "recover") return segments[i + 1];
  }
  return std::string();
}

bool hasContact(const std::optional<Customer>& buyer) {
  if (!buyer) return false;
  return buyer->email.find('@') != std::string::npos || buyer->phone_valid;
}

Result<ChangeSet> mapAbandonedCheckout(const Json& node,
                                       const core::ports::MappingContext& context) {
  ChangeSet changes;
  CartChange change;
  core::model::Cart& cart = change.cart;
  CARTRELAY_ASSIGN_OR_RETURN(cart.recovery_url, textAt(node, "abandonedCheckoutUrl", ""));
  cart.platform_cart_id = checkoutTokenOf(cart.recovery_url);
  if (cart.platform_cart_id.empty())
    return Status::invalidArgument("abandonedCheckoutUrl: no checkout token in the URL");
  CARTRELAY_ASSIGN_OR_RETURN(
      auto total, moneyAt(node, "totalPriceSet", "", core::asciiUpper(context.currency)));
  if (total) cart.total = *total;
  if (cart.total.currency.empty()) cart.total.currency = core::asciiUpper(context.currency);
  CARTRELAY_ASSIGN_OR_RETURN(cart.items,
                             itemsFrom<core::model::CartItem>(node, cart.total.currency));
  CARTRELAY_ASSIGN_OR_RETURN(cart.platform_updated_at_ms, requiredTimeAt(node, "updatedAt", ""));
  CARTRELAY_ASSIGN_OR_RETURN(auto created, timeAt(node, "createdAt", ""));
  cart.platform_created_at_ms = created.value_or(cart.platform_updated_at_ms);
  CARTRELAY_ASSIGN_OR_RETURN(auto completed, timeAt(node, "completedAt", ""));
  cart.state = completed ? core::model::CartState::kCompleted : core::model::CartState::kOpen;
  CARTRELAY_ASSIGN_OR_RETURN(change.buyer, buyerFrom(node, context, changes.consents));
  cart.contact_captured = hasContact(change.buyer);
  changes.carts.push_back(std::move(change));
  return changes;
}

// GraphQL's display statuses in the REST words the webhooks carry:
// PARTIALLY_FULFILLED is REST "partial", UNFULFILLED is REST null ("").
std::string fulfillmentWord(const std::string& display) {
  if (display.empty() || display == "UNFULFILLED") return std::string();
  if (display == "PARTIALLY_FULFILLED") return "partial";
  return core::asciiLower(display);
}

Result<ChangeSet> mapOrderNode(const Json& node, const core::ports::MappingContext& context) {
  ChangeSet changes;
  OrderChange change;
  core::model::Order& order = change.order;
  CARTRELAY_ASSIGN_OR_RETURN(order.platform_order_id, numericIdAt(node, "id", "", true));
  CARTRELAY_ASSIGN_OR_RETURN(order.name, textAt(node, "name", ""));
  CARTRELAY_ASSIGN_OR_RETURN(order.checkout_token, textAt(node, "checkoutToken", ""));
  CARTRELAY_ASSIGN_OR_RETURN(order.cart_token, textAt(node, "cartToken", ""));
  CARTRELAY_ASSIGN_OR_RETURN(
      auto total, moneyAt(node, "totalPriceSet", "", core::asciiUpper(context.currency)));
  if (total) order.total = *total;
  if (order.total.currency.empty()) order.total.currency = core::asciiUpper(context.currency);
  CARTRELAY_ASSIGN_OR_RETURN(std::string financial, textAt(node, "displayFinancialStatus", ""));
  order.financial_status = core::asciiLower(financial);
  CARTRELAY_ASSIGN_OR_RETURN(std::string fulfillment, textAt(node, "displayFulfillmentStatus", ""));
  order.fulfillment_status = fulfillmentWord(fulfillment);
  CARTRELAY_ASSIGN_OR_RETURN(order.platform_updated_at_ms, requiredTimeAt(node, "updatedAt", ""));
  CARTRELAY_ASSIGN_OR_RETURN(auto processed, timeAt(node, "processedAt", ""));
  CARTRELAY_ASSIGN_OR_RETURN(auto created, timeAt(node, "createdAt", ""));
  order.placed_at_ms = processed.value_or(created.value_or(order.platform_updated_at_ms));
  CARTRELAY_ASSIGN_OR_RETURN(order.cancelled_at_ms, timeAt(node, "cancelledAt", ""));
  CARTRELAY_ASSIGN_OR_RETURN(order.items,
                             itemsFrom<core::model::OrderItem>(node, order.total.currency));
  CARTRELAY_ASSIGN_OR_RETURN(change.buyer, buyerFrom(node, context, changes.consents));
  changes.orders.push_back(std::move(change));
  return changes;
}

Result<ChangeSet> mapCustomerNode(const Json& node, const core::ports::MappingContext& context) {
  ChangeSet changes;
  CARTRELAY_ASSIGN_OR_RETURN(Customer customer, customerFrom(node, "", context, changes.consents));
  if (customer.platform_updated_at_ms == 0) return Status::invalidArgument("updatedAt: missing");
  changes.customers.push_back(std::move(customer));
  return changes;
}

Result<ChangeSet> mapProductNode(const Json& node) {
  ChangeSet changes;
  core::model::Product product;
  CARTRELAY_ASSIGN_OR_RETURN(product.platform_product_id, numericIdAt(node, "id", "", true));
  CARTRELAY_ASSIGN_OR_RETURN(product.title, textAt(node, "title", ""));
  CARTRELAY_ASSIGN_OR_RETURN(product.product_type, textAt(node, "productType", ""));
  if (!product.product_type.empty()) product.categories.push_back(product.product_type);
  CARTRELAY_ASSIGN_OR_RETURN(product.tags, tagsAt(node, "tags", ""));
  CARTRELAY_ASSIGN_OR_RETURN(product.platform_updated_at_ms, requiredTimeAt(node, "updatedAt", ""));
  changes.products.push_back(std::move(product));
  return changes;
}

}  // namespace

core::Result<core::model::ChangeSet> mapGraphqlNode(std::string_view resource,
                                                    std::string_view body,
                                                    const core::ports::MappingContext& context) {
  Json node = Json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (node.is_discarded()) return Status::invalidArgument("body is not valid JSON");
  if (!node.is_object()) return Status::invalidArgument("body: expected a JSON object");
  try {
    if (resource == "abandoned_checkout") return mapAbandonedCheckout(node, context);
    if (resource == "order") return mapOrderNode(node, context);
    if (resource == "customer") return mapCustomerNode(node, context);
    if (resource == "product") return mapProductNode(node);
  } catch (const Json::exception&) {
    // Every access above checks types first; this only guards the contract.
    return Status::invalidArgument("graphql/" + std::string(resource) + ": unexpected JSON shape");
  }
  ChangeSet ignored;
  ignored.ignored_because = "unknown GraphQL resource " + std::string(resource);
  return ignored;
}

}  // namespace cartrelay::connectors::shopify
