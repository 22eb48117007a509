#include "app/cli/inspect_commands.h"

#include <algorithm>
#include <charconv>
#include <iostream>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/cli/command_support.h"
#include "app/cli/table_output.h"
#include "compliance/outbox_delivery.h"
#include "compliance/outbox_view.h"
#include "core/model/cart.h"
#include "core/model/customer.h"
#include "core/model/inbox_event.h"
#include "core/model/money.h"
#include "core/model/order.h"
#include "core/store/cart_repo.h"
#include "core/store/customer_repo.h"
#include "core/store/inbox_repo.h"
#include "core/store/order_repo.h"
#include "core/util/decimal.h"
#include "core/util/phone.h"
#include "core/util/text.h"

namespace cartrelay::app::cli {
namespace {

using nlohmann::json;

constexpr int kMaxLimit = 10000;

OutputFormat formatOf(bool as_json) { return as_json ? OutputFormat::kJson : OutputFormat::kTable; }

// Checks what the repositories would refuse, so the user gets exit 2 and a
// message about the flag rather than a store error.
bool validateListOptions(std::string_view command, const ListOptions& options) {
  if (options.limit < 1 || options.limit > kMaxLimit) {
    printError(command, "--limit must be between 1 and " + std::to_string(kMaxLimit));
    return false;
  }
  if (options.after_id < 0) {
    printError(command, "--after must not be negative");
    return false;
  }
  return true;
}

// What a list command works with once its flags are checked.
struct ListingStart {
  std::unique_ptr<OperatorStore> store;  // null: stop and return exit_code
  ShopSelection shop;
  int exit_code = kExitUsage;
};

// The prologue the list commands share, in this order: --limit and --after;
// --state when the command has one (`state` non-null: a non-empty value is
// parsed with `parse` into *state, an unknown one reported as "--state must
// be <states>"); opening the store; --shop. On any problem the reason is
// printed and the result has no store.
template <typename State>
ListingStart startListing(std::string_view command, const ListOptions& options,
                          std::optional<State>* state,
                          std::optional<State> (*parse)(std::string_view),
                          std::string_view states) {
  ListingStart start;
  if (!validateListOptions(command, options)) return start;
  if (state != nullptr && !options.state.empty()) {
    *state = parse(options.state);
    if (!*state) {
      printError(command, "--state must be " + std::string(states));
      return start;
    }
  }
  start.store = OperatorStore::open(options.config_path, command, &start.exit_code);
  if (start.store && !start.store->selectShop(command, options.shop, &start.shop)) {
    start.store.reset();
    start.exit_code = kExitUsage;
  }
  return start;
}

// The same for a listing without --state.
ListingStart startListing(std::string_view command, const ListOptions& options) {
  return startListing<bool>(command, options, nullptr, nullptr, "");
}

// Parses a positive store id as typed on the command line.
std::optional<std::int64_t> parseId(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

// Prints a listing and, in table mode, a hint on stderr when it was cut at
// --limit, so the operator knows there is more and how to page.
void printListing(const Listing& listing, const ListOptions& options, std::int64_t last_id) {
  listing.print(std::cout, formatOf(options.json));
  if (!options.json && listing.size() == static_cast<std::size_t>(options.limit)) {
    std::cerr << "(showing the first " << options.limit << "; more with --after " << last_id
              << ")\n";
  }
}

struct Amount {
  std::string text;  // "1299.90"
  std::string cell;  // "1299.90 TRY"
};

Amount amountOf(std::int64_t minor, const std::string& currency) {
  Amount a;
  a.text = core::formatDecimalMinor(minor, core::currencyExponent(currency));
  a.cell = currency.empty() ? a.text : a.text + " " + currency;
  return a;
}

json optionalId(const std::optional<std::int64_t>& id) { return id ? json(*id) : json(nullptr); }

std::string optionalIdCell(const std::optional<std::int64_t>& id) {
  return id ? std::to_string(*id) : "-";
}

template <typename Item>
json itemsJson(const std::vector<Item>& items, const std::string& currency) {
  json out = json::array();
  for (const Item& item : items) {
    out.push_back({{"line", item.line},
                   {"product_id", item.product_id},
                   {"variant_id", item.variant_id},
                   {"title", item.title},
                   {"quantity", item.quantity},
                   {"unit_price", amountOf(item.unit_price_minor, currency).text},
                   {"unit_price_minor", item.unit_price_minor}});
  }
  return out;
}

std::string joined(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

}  // namespace

int inboxListCommand(const ListOptions& options) {
  constexpr std::string_view kCommand = "inbox list";
  core::store::InboxRepo::Filter filter;
  auto [store, shop, exit_code] =
      startListing(kCommand, options, &filter.state, core::model::parseInboxState,
                   "received, done, duplicate or quarantined");
  if (!store) return exit_code;
  // The inbox names the delivering shop by name (its `source`), which also
  // covers events stored before the shop had a row.
  if (!shop.all) filter.source = shop.name;
  filter.after_id = options.after_id;
  filter.limit = options.limit;
  filter.with_body = false;

  core::store::InboxRepo repo(store->keys(), store->clock());
  auto events =
      store->database().querySession([&](soci::session& s) { return repo.list(s, filter); });
  if (!events.isOk()) {
    printError(kCommand, events.status().toString());
    return kExitFailure;
  }

  Listing listing(
      {"ID", "SHOP", "PLATFORM", "TOPIC", "DELIVERY", "RECEIVED", "STATE", "ATTEMPTS", "REASON"});
  for (const core::model::InboxEvent& e : *events) {
    std::string state(core::model::toString(e.state));
    listing.add({std::to_string(e.id), e.source, e.platform, e.topic, e.delivery_id,
                 timeCell(e.received_at_ms), state, std::to_string(e.attempts), e.reason},
                {{"id", e.id},
                 {"shop", e.source},
                 {"platform", e.platform},
                 {"topic", e.topic},
                 {"delivery_id", e.delivery_id},
                 {"received_at", timeJson(e.received_at_ms)},
                 {"processed_at", timeJson(e.processed_at_ms.value_or(0))},
                 {"state", state},
                 {"attempts", e.attempts},
                 {"reason", e.reason}});
  }
  printListing(listing, options, events->empty() ? 0 : events->back().id);
  return kExitOk;
}

int inboxRetryCommand(const std::string& config_path, const std::string& id_text) {
  constexpr std::string_view kCommand = "inbox retry";
  if (id_text.empty()) {
    printError(kCommand, "missing the event ID (see `cartrelay inbox list --state quarantined`)");
    return kExitUsage;
  }
  auto id = parseId(id_text);
  if (!id) {
    printError(kCommand, "the event ID must be a positive integer");
    return kExitUsage;
  }
  int exit_code = kExitOk;
  auto store = OperatorStore::open(config_path, kCommand, &exit_code);
  if (!store) return exit_code;

  core::store::InboxRepo repo(store->keys(), store->clock());
  core::Status requeued =
      store->database().withTransaction([&](soci::session& s) { return repo.requeue(s, *id); });
  if (requeued.code() == core::Status::Code::kNotFound) {
    printError(kCommand, "no inbox event " + std::to_string(*id));
    return kExitFailure;
  }
  if (!requeued.isOk()) {
    // kInvalidArgument: the event is not quarantined; the message says its state.
    printError(kCommand, requeued.message());
    return kExitFailure;
  }
  std::cout << "inbox event " << *id << " is received again; the daemon will process it\n";
  return kExitOk;
}

int cartsListCommand(const ListOptions& options) {
  constexpr std::string_view kCommand = "carts list";
  core::store::CartRepo::Filter filter;
  auto [store, shop, exit_code] = startListing(
      kCommand, options, &filter.state, core::model::parseCartState, "open, completed or deleted");
  if (!store) return exit_code;

  std::vector<core::model::Cart> carts;
  if (shop.all || shop.shop) {
    if (shop.shop) filter.shop_id = shop.shop->id;
    filter.after_id = options.after_id;
    filter.limit = options.limit;
    core::store::CartRepo repo(store->keys(), store->clock());
    auto listed =
        store->database().querySession([&](soci::session& s) { return repo.list(s, filter); });
    if (!listed.isOk()) {
      printError(kCommand, listed.status().toString());
      return kExitFailure;
    }
    carts = std::move(listed).value();
  }

  Listing listing(
      {"ID", "SHOP", "CART", "CUSTOMER", "TOTAL", "CONTACT", "STATE", "ITEMS", "UPDATED"});
  for (const core::model::Cart& c : carts) {
    Amount total = amountOf(c.total.minor, c.total.currency);
    std::string state(core::model::toString(c.state));
    listing.add({std::to_string(c.id), store->shopName(c.shop_id), c.platform_cart_id,
                 optionalIdCell(c.customer_id), total.cell, yesNo(c.contact_captured), state,
                 std::to_string(c.items.size()), timeCell(c.platform_updated_at_ms)},
                {{"id", c.id},
                 {"shop", store->shopName(c.shop_id)},
                 {"platform_cart_id", c.platform_cart_id},
                 {"cart_token", c.cart_token},
                 {"customer_id", optionalId(c.customer_id)},
                 {"total", total.text},
                 {"currency", c.total.currency},
                 {"total_minor", c.total.minor},
                 {"contact_captured", c.contact_captured},
                 {"state", state},
                 {"items", itemsJson(c.items, c.total.currency)},
                 {"created_at", timeJson(c.platform_created_at_ms)},
                 {"updated_at", timeJson(c.platform_updated_at_ms)}});
  }
  printListing(listing, options, carts.empty() ? 0 : carts.back().id);
  return kExitOk;
}

int ordersListCommand(const ListOptions& options) {
  constexpr std::string_view kCommand = "orders list";
  auto [store, shop, exit_code] = startListing(kCommand, options);
  if (!store) return exit_code;

  std::vector<core::model::Order> orders;
  if (shop.all || shop.shop) {
    core::store::OrderRepo::Filter filter;
    if (shop.shop) filter.shop_id = shop.shop->id;
    filter.after_id = options.after_id;
    filter.limit = options.limit;
    core::store::OrderRepo repo(store->clock());
    auto listed =
        store->database().querySession([&](soci::session& s) { return repo.list(s, filter); });
    if (!listed.isOk()) {
      printError(kCommand, listed.status().toString());
      return kExitFailure;
    }
    orders = std::move(listed).value();
  }

  Listing listing({"ID", "SHOP", "ORDER", "NAME", "CUSTOMER", "TOTAL", "FINANCIAL", "FULFILMENT",
                   "CHECKOUT", "PLACED"});
  for (const core::model::Order& o : orders) {
    Amount total = amountOf(o.total.minor, o.total.currency);
    listing.add({std::to_string(o.id), store->shopName(o.shop_id), o.platform_order_id, o.name,
                 optionalIdCell(o.customer_id), total.cell, o.financial_status,
                 o.fulfillment_status, o.checkout_token, timeCell(o.placed_at_ms)},
                {{"id", o.id},
                 {"shop", store->shopName(o.shop_id)},
                 {"platform_order_id", o.platform_order_id},
                 {"name", o.name},
                 {"customer_id", optionalId(o.customer_id)},
                 {"total", total.text},
                 {"currency", o.total.currency},
                 {"total_minor", o.total.minor},
                 {"financial_status", o.financial_status},
                 {"fulfillment_status", o.fulfillment_status},
                 {"checkout_token", o.checkout_token},
                 {"cart_token", o.cart_token},
                 {"items", itemsJson(o.items, o.total.currency)},
                 {"placed_at", timeJson(o.placed_at_ms)},
                 {"cancelled_at", timeJson(o.cancelled_at_ms.value_or(0))},
                 {"updated_at", timeJson(o.platform_updated_at_ms)}});
  }
  printListing(listing, options, orders.empty() ? 0 : orders.back().id);
  return kExitOk;
}

int customersShowCommand(const CustomerQuery& query) {
  constexpr std::string_view kCommand = "customers show";
  const std::string phone(core::trimAsciiWhitespace(query.phone));
  const std::string email(core::trimAsciiWhitespace(query.email));
  if (phone.empty() == email.empty()) {
    printError(kCommand, "give exactly one of --phone and --email");
    return kExitUsage;
  }
  int exit_code = kExitOk;
  auto store = OperatorStore::open(query.config_path, kCommand, &exit_code);
  if (!store) return exit_code;
  ShopSelection shop;
  if (!store->selectShop(kCommand, query.shop, &shop)) return kExitUsage;

  // The forms a stored phone can have: E.164 under each candidate region
  // (the --shop's country, else every configured shop's), and the input as
  // typed, which is how a number that never parsed was stored.
  std::vector<std::string> lookups;
  if (!phone.empty()) {
    lookups = phoneCandidates(*store, shop, phone);
    lookups.push_back(phone);
    std::sort(lookups.begin(), lookups.end());
    lookups.erase(std::unique(lookups.begin(), lookups.end()), lookups.end());
  }

  std::vector<core::model::Customer> found;
  if (shop.all || shop.shop) {
    core::store::CustomerRepo repo(store->keys(), store->clock());
    auto result = store->database().querySession(
        [&](soci::session& s) -> core::Result<std::vector<core::model::Customer>> {
          if (!email.empty()) return repo.findByEmail(s, email);
          std::vector<core::model::Customer> all;
          for (const auto& candidate : lookups) {
            CARTRELAY_ASSIGN_OR_RETURN(auto matches, repo.findByPhone(s, candidate));
            for (auto& m : matches) all.push_back(std::move(m));
          }
          return all;
        });
    if (!result.isOk()) {
      printError(kCommand, result.status().toString());
      return kExitFailure;
    }
    found = std::move(result).value();
  }
  if (shop.shop) {
    std::erase_if(found,
                  [&](const core::model::Customer& c) { return c.shop_id != shop.shop->id; });
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  found.erase(std::unique(found.begin(), found.end(),
                          [](const auto& a, const auto& b) { return a.id == b.id; }),
              found.end());

  Listing listing({"id", "shop", "platform id", "phone", "phone valid", "email", "name", "city",
                   "country", "birthday", "tags", "erased", "updated"},
                  TextLayout::kRecords);
  for (const core::model::Customer& c : found) {
    std::string name =
        c.first_name + (c.first_name.empty() || c.last_name.empty() ? "" : " ") + c.last_name;
    const core::model::Address& a = c.address;
    listing.add({std::to_string(c.id), store->shopName(c.shop_id), c.platform_customer_id, c.phone,
                 yesNo(c.phone_valid), c.email, name, a.city, a.country_code, c.birthday,
                 joined(c.tags, ", "), yesNo(c.erased), timeCell(c.platform_updated_at_ms)},
                {{"id", c.id},
                 {"shop", store->shopName(c.shop_id)},
                 {"platform_customer_id", c.platform_customer_id},
                 {"phone", c.phone},
                 {"phone_valid", c.phone_valid},
                 {"email", c.email},
                 {"first_name", c.first_name},
                 {"last_name", c.last_name},
                 {"address",
                  {{"address1", a.address1},
                   {"address2", a.address2},
                   {"city", a.city},
                   {"province", a.province},
                   {"postal_code", a.postal_code},
                   {"country_code", a.country_code}}},
                 {"birthday", c.birthday},
                 {"tags", c.tags},
                 {"erased", c.erased},
                 {"updated_at", timeJson(c.platform_updated_at_ms)}});
  }
  if (listing.size() > 0 || query.json) listing.print(std::cout, formatOf(query.json));
  if (listing.size() == 0) {
    printError(kCommand, "no customer matches");
    return kExitFailure;
  }
  return kExitOk;
}

int outboxListCommand(const ListOptions& options) {
  constexpr std::string_view kCommand = "outbox list";
  compliance::OutboxFilter filter;
  std::optional<compliance::DeliveryState> state;
  auto [store, shop, exit_code] = startListing(
      kCommand, options, &state, compliance::parseDeliveryState,
      "queued, deferred, suppressed, sending, sent, delivered, read, failed or unknown");
  if (!store) return exit_code;
  // A configured shop with nothing stored yet: an empty listing (id 0
  // matches no row).
  if (!shop.all) filter.shop_id = shop.shop ? shop.shop->id : 0;
  if (state) filter.state = std::string(compliance::toString(*state));
  filter.after_id = options.after_id;
  filter.limit = options.limit;
  auto entries = store->database().querySession(
      [&](soci::session& s) { return compliance::listOutbox(s, filter); });
  if (!entries.isOk()) {
    printError(kCommand, entries.status().toString());
    return kExitFailure;
  }
  Listing listing({"ID", "SHOP", "CREATED", "JOURNEY", "STEP", "TEMPLATE", "DECISION", "STATE",
                   "ATTEMPTS", "ERROR", "WAMID", "CLICKS"});
  for (const compliance::OutboxEntry& e : *entries) {
    const std::string decision = e.reason.empty() ? e.decision : e.decision + " " + e.reason;
    std::string error;
    if (e.error_code != 0) error = std::to_string(e.error_code);
    if (!e.error_reason.empty()) error += (error.empty() ? "" : " ") + e.error_reason;
    listing.add({std::to_string(e.id), store->shopName(e.shop_id), timeCell(e.created_at_ms),
                 e.journey, e.step, e.template_name, decision, e.state, std::to_string(e.attempts),
                 error, e.wamid, std::to_string(e.clicks)},
                {{"id", e.id},
                 {"shop", store->shopName(e.shop_id)},
                 {"subject", e.subject_ref},
                 {"created_at", timeJson(e.created_at_ms)},
                 {"journey", e.journey},
                 {"step", e.step},
                 {"template", e.template_name},
                 {"purpose_class", e.purpose_class},
                 {"decision", e.decision},
                 {"reason", e.reason.empty() ? json(nullptr) : json(e.reason)},
                 {"state", e.state},
                 {"attempts", e.attempts},
                 {"error_code", e.error_code == 0 ? json(nullptr) : json(e.error_code)},
                 {"error_reason", e.error_reason.empty() ? json(nullptr) : json(e.error_reason)},
                 {"retry_at", timeJson(e.retry_at_ms)},
                 {"wamid", e.wamid.empty() ? json(nullptr) : json(e.wamid)},
                 {"sent_at", timeJson(e.sent_at_ms)},
                 {"delivered_at", timeJson(e.delivered_at_ms)},
                 {"read_at", timeJson(e.read_at_ms)},
                 {"pricing_category",
                  e.pricing_category.empty() ? json(nullptr) : json(e.pricing_category)},
                 {"pricing_type", e.pricing_type.empty() ? json(nullptr) : json(e.pricing_type)},
                 {"clicks", e.clicks}});
  }
  printListing(listing, options, entries->empty() ? 0 : entries->back().id);
  return kExitOk;
}

}  // namespace cartrelay::app::cli
