#include "connectors/woocommerce/cart_plugin_mapping.h"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connectors/woocommerce/payload_mapping.h"
#include "core/util/crypto.h"
#include "core/util/decimal.h"
#include "core/util/phone.h"
#include "core/util/text.h"
#include "core/util/url_encoding.h"

namespace cartrelay::connectors::woocommerce {

using core::Result;
using core::Status;
using core::model::CartItem;
using core::model::CartState;
using core::model::ChangeSet;
using core::model::Customer;

namespace {

bool isBlank(std::string_view text) { return core::trimAsciiWhitespace(text).empty(); }

// "A, B ,C" -> items titled "A", "B", "C" (quantity 1, price unknown = 0).
// A name that itself contains a comma is split too: both plugins join names
// with commas and nothing tells the pieces apart.
std::vector<CartItem> itemsFromNames(std::string_view names) {
  std::vector<CartItem> items;
  while (!names.empty()) {
    std::size_t comma = names.find(',');
    std::string_view name = core::trimAsciiWhitespace(names.substr(0, comma));
    if (!name.empty()) {
      CartItem item;
      item.line = static_cast<int>(items.size());
      item.title = std::string(name);
      item.quantity = 1;
      items.push_back(std::move(item));
    }
    if (comma == std::string_view::npos) break;
    names.remove_prefix(comma + 1);
  }
  return items;
}

// The first of `keys` present in `object` (the plugin has used several
// spellings), or a null field named after the first key.
JsonField firstPresent(const JsonField& object, std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    if (!object[key].absent()) return object[key];
  }
  return object[*keys.begin()];
}

Result<std::int64_t> readWcapUnitPrice(const JsonField& entry, std::int64_t quantity,
                                       int exponent) {
  if (!entry["price"].absent()) return readComputedAmount(entry["price"], exponent);
  JsonField line = firstPresent(entry, {"line_total", "line_subtotal"});
  if (line.absent()) return std::int64_t{0};
  CARTRELAY_ASSIGN_OR_RETURN(std::int64_t line_minor, readComputedAmount(line, exponent));
  return unitPriceOf(line_minor, quantity);
}

// One product_details entry: an object or a plain name; nullopt for anything
// else (the shape is undocumented, so unknown entries are skipped, not fatal).
Result<std::optional<CartItem>> readWcapItem(const JsonField& entry, int exponent) {
  using Item = std::optional<CartItem>;
  const nlohmann::json& value = entry.value();
  if (value.is_string()) {
    if (isBlank(value.get_ref<const std::string&>())) return Item();
    CartItem item;
    item.title = std::string(core::trimAsciiWhitespace(value.get_ref<const std::string&>()));
    item.quantity = 1;
    return Item(std::move(item));
  }
  if (!value.is_object()) return Item();
  CartItem item;
  CARTRELAY_ASSIGN_OR_RETURN(item.product_id, readOptionalId(entry["product_id"]));
  CARTRELAY_ASSIGN_OR_RETURN(item.variant_id, readOptionalId(entry["variation_id"]));
  CARTRELAY_ASSIGN_OR_RETURN(item.title, readText(firstPresent(entry, {"product_name", "name"})));
  CARTRELAY_ASSIGN_OR_RETURN(item.quantity,
                             readInteger(firstPresent(entry, {"quantity", "qty"}), 1));
  CARTRELAY_ASSIGN_OR_RETURN(item.unit_price_minor,
                             readWcapUnitPrice(entry, item.quantity, exponent));
  return Item(std::move(item));
}

Result<std::vector<CartItem>> readWcapItems(const JsonField& details, int exponent) {
  const nlohmann::json& value = details.value();
  if (value.is_string()) return itemsFromNames(value.get_ref<const std::string&>());
  std::vector<JsonField> entries;
  if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) entries.push_back(details.at(i));
  } else if (value.is_object()) {
    // A PHP array with non-sequential keys arrives as an object.
    for (const auto& member : value.items()) entries.push_back(details[member.key()]);
  }
  std::vector<CartItem> items;
  for (const JsonField& entry : entries) {
    CARTRELAY_ASSIGN_OR_RETURN(std::optional<CartItem> item, readWcapItem(entry, exponent));
    if (!item) continue;
    item->line = static_cast<int>(items.size());
    items.push_back(std::move(*item));
  }
  return items;
}

// Unix seconds (number or digit string) or ISO 8601 text; `fallback` when
// absent or blank.
Result<std::int64_t> readWcapTime(const JsonField& field, std::int64_t fallback) {
  constexpr std::int64_t kMaxSeconds = 253402300799;  // 9999-12-31T23:59:59Z
  const nlohmann::json& value = field.value();
  if (value.is_null()) return fallback;
  if (value.is_string() && isBlank(value.get_ref<const std::string&>())) return fallback;
  auto seconds = readInteger(field, 0);
  if (seconds.isOk()) {
    if (seconds.value() < 0 || seconds.value() > kMaxSeconds) {
      return field.error("unix seconds or an ISO 8601 time");
    }
    return seconds.value() * 1000;
  }
  auto time = readTime(field);
  if (!time.isOk() || !time.value()) return field.error("unix seconds or an ISO 8601 time");
  return *time.value();
}

Result<Customer> readWcapBuyer(const JsonField& cart, const core::ports::MappingContext& context) {
  Customer buyer;
  CARTRELAY_ASSIGN_OR_RETURN(buyer.first_name, readText(cart["billing_first_name"]));
  CARTRELAY_ASSIGN_OR_RETURN(buyer.last_name, readText(cart["billing_last_name"]));
  CARTRELAY_ASSIGN_OR_RETURN(buyer.email, readText(cart["email_id"]));
  CARTRELAY_ASSIGN_OR_RETURN(buyer.address.postal_code, readText(cart["billing_zipcode"]));
  CARTRELAY_ASSIGN_OR_RETURN(std::string country, readText(cart["billing_country"]));
  buyer.address.country_code = core::asciiUpper(core::trimAsciiWhitespace(country));
  CARTRELAY_ASSIGN_OR_RETURN(std::string raw_phone, readText(cart["phone"]));
  core::NormalisedPhone phone = core::normalisePhone(raw_phone, phoneRegion({country}, context));
  buyer.phone = std::move(phone.value);
  buyer.phone_valid = phone.valid;

  // Guest user ids are the plugin's own table rows (from 63 000 000), not
  // WooCommerce customers; only REGISTERED ids name a customer.
  CARTRELAY_ASSIGN_OR_RETURN(std::string user_type, readText(cart["user_type"]));
  if (core::asciiUpper(core::trimAsciiWhitespace(user_type)) == "REGISTERED") {
    CARTRELAY_ASSIGN_OR_RETURN(std::int64_t user_id, readInteger(cart["user_id"], 0));
    if (user_id > 0) buyer.platform_customer_id = std::to_string(user_id);
  }
  return buyer;
}

bool contactCaptured(const Customer& buyer) {
  return !isBlank(buyer.email) || !buyer.phone.empty();
}

// The form fields cartrelay reads from a CartFlows POST.
constexpr std::array<std::string_view, 8> kCartFlowsFields = {
    "first_name",   "last_name",     "phone_number", "email",
    "checkout_url", "product_names", "order_status", "cart_total"};

using Form = std::map<std::string, std::string, std::less<>>;

// Decodes the known fields of a form body (the last occurrence wins); other
// fields are skipped without being decoded.
Result<Form> readCartFlowsForm(std::string_view body) {
  Form form;
  for (const auto& [raw_key, raw_value] : core::splitQueryPairs(body)) {
    std::optional<std::string> key = core::percentDecode(raw_key, /*plus_as_space=*/true);
    if (!key) return Status::invalidArgument("body: malformed percent-encoding in a field name");
    auto known = std::find(kCartFlowsFields.begin(), kCartFlowsFields.end(), *key);
    if (known == kCartFlowsFields.end()) continue;
    std::optional<std::string> value = core::percentDecode(raw_value, /*plus_as_space=*/true);
    if (!value) return Status::invalidArgument(*key + ": malformed percent-encoding");
    if (value->find('\0') != std::string::npos)
      return Status::invalidArgument(*key + ": expected text");
    form[*key] = std::move(*value);
  }
  return form;
}

std::string formField(const Form& form, std::string_view key) {
  auto it = form.find(key);
  return it == form.end() ? std::string() : std::string(core::trimAsciiWhitespace(it->second));
}

Result<CartState> cartFlowsState(std::string_view order_status) {
  std::string status = core::asciiUpper(order_status);
  if (status == "ABANDONED" || status == "NORMAL" || status == "FAILED") return CartState::kOpen;
  if (status == "COMPLETED") return CartState::kCompleted;
  if (status == "LOST") return CartState::kDeleted;
  return Status::invalidArgument("order_status: expected abandoned, normal, completed or lost");
}

// A stable cart id from the checkout link (it carries CartFlows' session
// token) or, without one, the e-mail: the same abandoned cart reported as
// abandoned and later as completed must land on one row.
Result<std::string> cartFlowsCartId(const std::string& checkout_url, const std::string& email) {
  std::string basis = checkout_url;
  if (basis.empty()) {
    for (char c : email) basis.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c);
  }
  if (basis.empty()) return Status::invalidArgument("checkout_url, email: neither is present");
  return "cartflows-" + core::crypto::hexEncode(core::crypto::sha256(basis)).substr(0, 32);
}

}  // namespace

Result<ChangeSet> mapAbandonedCartLite(const core::model::InboxEvent& event, bool recovered,
                                       const core::ports::MappingContext& context) {
  CARTRELAY_ASSIGN_OR_RETURN(nlohmann::json document, parseJsonObject(event.body));
  const JsonField root(document);
  CARTRELAY_ASSIGN_OR_RETURN(std::string id, readId(root["id"]));

  core::model::CartChange change;
  core::model::Cart& cart = change.cart;
  cart.platform_cart_id = "wcap-" + id;
  cart.total.currency = core::asciiUpper(context.currency);
  const int exponent = core::currencyExponent(cart.total.currency);
  if (!root["total"].absent()) {
    CARTRELAY_ASSIGN_OR_RETURN(cart.total.minor, readComputedAmount(root["total"], exponent));
  }
  CARTRELAY_ASSIGN_OR_RETURN(cart.items, readWcapItems(root["product_details"], exponent));
  CARTRELAY_ASSIGN_OR_RETURN(cart.recovery_url, readText(root["checkout_link"]));
  cart.state = recovered ? CartState::kCompleted : CartState::kOpen;
  CARTRELAY_ASSIGN_OR_RETURN(cart.platform_created_at_ms,
                             readWcapTime(root["timestamp"], event.received_at_ms));
  cart.platform_updated_at_ms = recovered
                                    ? std::max(cart.platform_created_at_ms, event.received_at_ms)
                                    : cart.platform_created_at_ms;

  CARTRELAY_ASSIGN_OR_RETURN(Customer buyer, readWcapBuyer(root, context));
  cart.contact_captured = contactCaptured(buyer);
  if (hasIdentity(buyer)) change.buyer = std::move(buyer);

  ChangeSet changes;
  changes.carts.push_back(std::move(change));
  return changes;
}

Result<ChangeSet> mapCartFlows(const core::model::InboxEvent& event,
                               const core::ports::MappingContext& context) {
  CARTRELAY_ASSIGN_OR_RETURN(Form form, readCartFlowsForm(event.body));
  const std::string checkout_url = formField(form, "checkout_url");

  core::model::CartChange change;
  core::model::Cart& cart = change.cart;
  CARTRELAY_ASSIGN_OR_RETURN(cart.platform_cart_id,
                             cartFlowsCartId(checkout_url, formField(form, "email")));
  CARTRELAY_ASSIGN_OR_RETURN(cart.state, cartFlowsState(formField(form, "order_status")));
  cart.total.currency = core::asciiUpper(context.currency);
  const std::string cart_total = formField(form, "cart_total");
  if (!cart_total.empty()) {
    auto minor = core::parseDecimalMinor(cart_total, core::currencyExponent(cart.total.currency));
    if (!minor.isOk()) return Status::invalidArgument("cart_total: expected a decimal");
    cart.total.minor = minor.value();
  }
  cart.items = itemsFromNames(formField(form, "product_names"));
  cart.recovery_url = checkout_url;
  cart.platform_created_at_ms = event.received_at_ms;
  cart.platform_updated_at_ms = event.received_at_ms;

  Customer buyer;
  buyer.first_name = formField(form, "first_name");
  buyer.last_name = formField(form, "last_name");
  buyer.email = formField(form, "email");
  core::NormalisedPhone phone =
      core::normalisePhone(formField(form, "phone_number"), phoneRegion({}, context));
  buyer.phone = std::move(phone.value);
  buyer.phone_valid = phone.valid;
  cart.contact_captured = contactCaptured(buyer);
  if (hasIdentity(buyer)) change.buyer = std::move(buyer);

  ChangeSet changes;
  changes.carts.push_back(std::move(change));
  return changes;
}

}  // namespace cartrelay::connectors::woocommerce
