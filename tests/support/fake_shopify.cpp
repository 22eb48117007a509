#include "tests/support/fake_shopify.h"

#include <algorithm>
#include <functional>
#include <regex>
#include <set>

#include "core/util/clock.h"
#include "core/util/text.h"
#include "tests/support/fixtures.h"

namespace cartrelay::testing {
namespace {

using Json = nlohmann::json;

const char* const kResources[] = {"abandonedCheckouts", "orders", "customers", "products"};

std::string utc(const Json& value) {
  if (!value.is_string()) return {};
  auto parsed = core::parseIso8601(value.get<std::string>());
  if (!parsed.isOk()) return value.get<std::string>();
  std::string text = core::formatIso8601(*parsed);
  return text.substr(0, text.rfind('.')) + "Z";
}

Json nullableUtc(const Json& value) {
  const std::string text = utc(value);
  return text.empty() ? Json() : Json(text);
}

std::string idText(const Json& value) {
  if (value.is_number_integer()) return value.dump();
  if (value.is_string()) return value.get<std::string>();
  return {};
}

Json gid(const char* type, const Json& id) {
  const std::string text = idText(id);
  if (text.empty()) return Json();
  return "gid://shopify/" + std::string(type) + "/" + text;
}

std::string text(const Json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Json nullableText(const Json& object, const char* key) {
  const std::string value = text(object, key);
  return value.empty() ? Json() : Json(value);
}

Json money(const Json& amount, const std::string& currency) {
  return {{"shopMoney",
           {{"amount", amount.is_string() ? amount : Json("0.00")},
            {"currencyCode", currency.empty() ? "USD" : currency}}}};
}

Json address(const Json& rest) {
  if (!rest.is_object()) return Json();
  return {{"firstName", nullableText(rest, "first_name")},
          {"lastName", nullableText(rest, "last_name")},
          {"address1", nullableText(rest, "address1")},
          {"address2", nullableText(rest, "address2")},
          {"city", nullableText(rest, "city")},
          {"province", nullableText(rest, "province")},
          {"zip", nullableText(rest, "zip")},
          {"countryCodeV2", nullableText(rest, "country_code")},
          {"phone", nullableText(rest, "phone")}};
}

Json lineItems(const Json& rest, const std::string& currency) {
  Json nodes = Json::array();
  if (rest.contains("line_items") && rest["line_items"].is_array()) {
    for (const Json& line : rest["line_items"]) {
      nodes.push_back(
          {{"title", nullableText(line, "title")},
           {"quantity", line.value("quantity", 1)},
           {"variant", line.contains("variant_id") && !line["variant_id"].is_null()
                           ? Json{{"id", gid("ProductVariant", line["variant_id"])}}
                           : Json()},
           {"product", line.contains("product_id") && !line["product_id"].is_null()
                           ? Json{{"id", gid("Product", line["product_id"])}}
                           : Json()},
           {"originalUnitPriceSet", money(line.value("price", Json("0.00")), currency)}});
    }
  }
  return {{"nodes", nodes}};
}

std::vector<std::string> splitTags(const Json& tags) {
  std::vector<std::string> out;
  if (!tags.is_string()) return out;
  std::string all = tags.get<std::string>();
  std::size_t start = 0;
  while (start <= all.size()) {
    auto comma = all.find(',', start);
    std::string tag =
        all.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto first = tag.find_first_not_of(' ');
    if (first != std::string::npos)
      out.push_back(tag.substr(first, tag.find_last_not_of(' ') - first + 1));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

core::EpochMillis timeOf(const Json& node) {
  auto parsed = core::parseIso8601(text(node, "updatedAt"));
  return parsed.isOk() ? *parsed : 0;
}

std::string numericId(const Json& node) {
  const std::string id = text(node, "id");
  return id.substr(id.rfind('/') + 1);
}

bool numericLess(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

FakeResponse json(int status, const Json& body) {
  FakeResponse response;
  response.status = status;
  response.body = body.dump();
  return response;
}

}  // namespace

FakeShopify::FakeShopify()
    : server_([this](const RecordedRequest& request) { return handle(request); }) {
  const Json checkout_webhook = Json::parse(readFixture("shopify/checkouts_create.json"));
  const Json checkouts_rest = Json::parse(readFixture("shopify/rest_2025-07_get_checkouts.json"));
  const Json order_webhook = Json::parse(readFixture("shopify/orders_create.json"));
  const Json order_rest = Json::parse(readFixture("shopify/rest_2025-07_get_order.json"));
  const Json customer_webhook = Json::parse(readFixture("shopify/customers_create.json"));
  const Json customer_rest = Json::parse(readFixture("shopify/rest_2025-07_get_customer.json"));

  std::lock_guard<std::mutex> lock(mu_);
  for (const char* resource : kResources) data_[resource];
  data_["abandonedCheckouts"].push_back(checkoutNode(checkout_webhook));
  for (const Json& checkout : checkouts_rest["checkouts"])
    data_["abandonedCheckouts"].push_back(checkoutNode(checkout));
  data_["orders"].push_back(orderNode(order_webhook));
  data_["orders"].push_back(orderNode(order_rest["order"]));
  data_["customers"].push_back(customerNode(customer_webhook));
  data_["customers"].push_back(customerNode(customer_rest["customer"]));
  // Products: what the fixture orders sold (Shopify has no product fixture).
  std::set<std::string> seen;
  for (const Json* order : {&order_webhook, &order_rest["order"]}) {
    for (const Json& line : (*order)["line_items"]) {
      const std::string id = idText(line.value("product_id", Json()));
      if (id.empty() || !seen.insert(id).second) continue;
      data_["products"].push_back({{"id", "gid://shopify/Product/" + id},
                                   {"title", nullableText(line, "title")},
                                   {"productType", nullableText(line, "vendor")},
                                   {"tags", Json::array()},
                                   {"updatedAt", utc((*order)["updated_at"])}});
    }
  }
}

Json FakeShopify::customerNode(const Json& rest, const std::string& fallback_updated_at) {
  if (!rest.is_object()) return Json();
  std::string updated = utc(rest.value("updated_at", Json()));
  if (updated.empty()) updated = fallback_updated_at;
  Json tags = Json::array();
  for (const std::string& tag : splitTags(rest.value("tags", Json()))) tags.push_back(tag);
  const std::string email = text(rest, "email");
  const std::string phone = text(rest, "phone");
  return {
      {"id", gid("Customer", rest.value("id", Json()))},
      {"firstName", nullableText(rest, "first_name")},
      {"lastName", nullableText(rest, "last_name")},
      {"updatedAt", updated.empty() ? Json() : Json(updated)},
      {"tags", tags},
      {"defaultEmailAddress", email.empty() ? Json() : Json{{"emailAddress", email}}},
      {"defaultPhoneNumber",
       phone.empty() ? Json() : Json{{"phoneNumber", phone}, {"whatsAppMarketingConsent", Json()}}},
      {"defaultAddress", address(rest.value("default_address", Json()))}};
}

Json FakeShopify::checkoutNode(const Json& rest) {
  const std::string currency = text(rest, "currency");
  const std::string updated = utc(rest.value("updated_at", Json()));
  Json id = rest.value("id", Json());
  if (id.is_null()) {
    // The 2026-07 webhook sample has no id; derive a stable one from the token.
    id = std::to_string(std::hash<std::string>{}(text(rest, "token")) % 1'000'000'000ULL);
  }
  return {{"id", gid("AbandonedCheckout", id)},
          {"name", nullableText(rest, "name")},
          {"abandonedCheckoutUrl", nullableText(rest, "abandoned_checkout_url")},
          {"createdAt", nullableUtc(rest.value("created_at", Json()))},
          {"updatedAt", updated},
          {"completedAt", nullableUtc(rest.value("completed_at", Json()))},
          {"totalPriceSet", money(rest.value("total_price", Json()), currency)},
          {"customer", customerNode(rest.value("customer", Json()), updated)},
          {"billingAddress", address(rest.value("billing_address", Json()))},
          {"shippingAddress", address(rest.value("shipping_address", Json()))},
          {"lineItems", lineItems(rest, currency)}};
}

Json FakeShopify::orderNode(const Json& rest) {
  const std::string currency = text(rest, "currency");
  const std::string updated = utc(rest.value("updated_at", Json()));
  std::string fulfillment = text(rest, "fulfillment_status");
  if (fulfillment.empty()) fulfillment = "UNFULFILLED";
  if (fulfillment == "partial") fulfillment = "PARTIALLY_FULFILLED";
  fulfillment = core::asciiUpper(fulfillment);
  const std::string financial = core::asciiUpper(text(rest, "financial_status"));
  return {{"id", gid("Order", rest.value("id", Json()))},
          {"name", nullableText(rest, "name")},
          {"email", nullableText(rest, "email")},
          {"phone", nullableText(rest, "phone")},
          {"createdAt", nullableUtc(rest.value("created_at", Json()))},
          {"processedAt", nullableUtc(rest.value("processed_at", Json()))},
          {"updatedAt", updated},
          {"cancelledAt", nullableUtc(rest.value("cancelled_at", Json()))},
          {"checkoutToken", nullableText(rest, "checkout_token")},
          {"cartToken", nullableText(rest, "cart_token")},
          {"displayFinancialStatus", financial.empty() ? Json() : Json(financial)},
          {"displayFulfillmentStatus", fulfillment},
          {"totalPriceSet", money(rest.value("total_price", Json()), currency)},
          {"customer", customerNode(rest.value("customer", Json()), updated)},
          {"billingAddress", address(rest.value("billing_address", Json()))},
          {"shippingAddress", address(rest.value("shipping_address", Json()))},
          {"lineItems", lineItems(rest, currency)}};
}

void FakeShopify::upsertNode(const std::string& resource, Json node) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& nodes = data_[resource];
  for (Json& existing : nodes) {
    if (existing.value("id", Json()) == node.value("id", Json())) {
      existing = std::move(node);
      return;
    }
  }
  nodes.push_back(std::move(node));
}

void FakeShopify::removeNode(const std::string& resource, const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& nodes = data_[resource];
  nodes.erase(std::remove_if(nodes.begin(), nodes.end(),
                             [&](const Json& n) { return text(n, "id") == id; }),
              nodes.end());
}

void FakeShopify::clearNodes(const std::string& resource) {
  std::lock_guard<std::mutex> lock(mu_);
  data_[resource].clear();
}

std::vector<Json> FakeShopify::nodes(const std::string& resource) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = data_.find(resource);
  return it == data_.end() ? std::vector<Json>() : it->second;
}

void FakeShopify::setAllUpdatedAt(const std::string& iso_time) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [resource, nodes] : data_) {
    for (Json& node : nodes) node["updatedAt"] = iso_time;
  }
}

void FakeShopify::addSyntheticOrders(int count, const std::string& iso_time) {
  std::lock_guard<std::mutex> lock(mu_);
  for (int i = 0; i < count; ++i) {
    const std::string id = std::to_string(9'000'000 + i);
    data_["orders"].push_back({{"id", "gid://shopify/Order/" + id},
                               {"name", "#S" + id},
                               {"email", nullptr},
                               {"phone", nullptr},
                               {"createdAt", iso_time},
                               {"processedAt", iso_time},
                               {"updatedAt", iso_time},
                               {"cancelledAt", nullptr},
                               {"checkoutToken", nullptr},
                               {"cartToken", nullptr},
                               {"displayFinancialStatus", "PAID"},
                               {"displayFulfillmentStatus", "UNFULFILLED"},
                               {"totalPriceSet", money("10.00", "USD")},
                               {"customer", nullptr},
                               {"billingAddress", nullptr},
                               {"shippingAddress", nullptr},
                               {"lineItems", {{"nodes", Json::array()}}}});
  }
}

void FakeShopify::throttleNext(int count, double available) {
  std::lock_guard<std::mutex> lock(mu_);
  throttle_next_ = count;
  throttle_available_ = available;
}

void FakeShopify::rateLimitNext(int count, const std::string& retry_after) {
  std::lock_guard<std::mutex> lock(mu_);
  rate_limit_next_ = count;
  retry_after_ = retry_after;
}

void FakeShopify::setThrottleStatus(double currently_available, double restore_rate,
                                    double requested_cost, double maximum_available) {
  std::lock_guard<std::mutex> lock(mu_);
  currently_available_ = currently_available;
  restore_rate_ = restore_rate;
  requested_cost_ = requested_cost;
  maximum_available_ = maximum_available;
}

void FakeShopify::failSubscriptionCreates(bool fail) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_creates_ = fail;
}

void FakeShopify::addSubscription(const std::string& topic_enum, const std::string& uri) {
  std::lock_guard<std::mutex> lock(mu_);
  subscriptions_.push_back(
      {"gid://shopify/WebhookSubscription/" + std::to_string(next_subscription_++), topic_enum,
       uri});
}

bool FakeShopify::deleteSubscription(const std::string& topic_enum) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = std::find_if(subscriptions_.begin(), subscriptions_.end(),
                         [&](const Subscription& s) { return s.topic == topic_enum; });
  if (it == subscriptions_.end()) return false;
  subscriptions_.erase(it);
  return true;
}

std::vector<FakeShopify::Subscription> FakeShopify::subscriptions() const {
  std::lock_guard<std::mutex> lock(mu_);
  return subscriptions_;
}

std::vector<Json> FakeShopify::graphqlCalls() const {
  std::vector<Json> calls;
  for (const RecordedRequest& request : server_.requests()) {
    Json body = Json::parse(request.body, nullptr, false);
    if (!body.is_discarded()) calls.push_back(std::move(body));
  }
  return calls;
}

Json FakeShopify::extensions() const {
  return {{"cost",
           {{"requestedQueryCost", requested_cost_},
            {"actualQueryCost", requested_cost_},
            {"throttleStatus",
             {{"maximumAvailable", maximum_available_},
              {"currentlyAvailable", currently_available_},
              {"restoreRate", restore_rate_}}}}}};
}

FakeResponse FakeShopify::handle(const RecordedRequest& request) {
  static const std::regex kPath(R"(^/admin/api/\d{4}-\d{2}/graphql\.json$)");
  if (request.method != "POST" || !std::regex_match(request.path, kPath))
    return json(404, {{"errors", "Not Found"}});
  if (request.header("x-shopify-access-token").value_or("") != kToken)
    return json(401, {{"errors",
                       "[API] Invalid API key or access token (unrecognized login or "
                       "wrong password)"}});
  const Json body = Json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("query"))
    return json(400, {{"errors", {{{"message", "No query string was present"}}}}});
  const std::string query = body.value("query", "");
  const Json variables = body.value("variables", Json::object());

  std::lock_guard<std::mutex> lock(mu_);
  if (rate_limit_next_ > 0) {
    --rate_limit_next_;
    FakeResponse response = json(429, {{"errors", "Exceeded 2 calls per second for api client."}});
    response.headers.emplace_back("Retry-After", retry_after_);
    return response;
  }
  if (throttle_next_ > 0) {
    --throttle_next_;
    return json(200, {{"errors",
                       {{{"message", "Throttled"},
                         {"extensions",
                          {{"code", "THROTTLED"},
                           {"documentation", "https://shopify.dev/api/usage/rate-limits"}}}}}},
                      {"extensions",
                       {{"cost",
                         {{"requestedQueryCost", requested_cost_},
                          {"actualQueryCost", nullptr},
                          {"throttleStatus",
                           {{"maximumAvailable", maximum_available_},
                            {"currentlyAvailable", throttle_available_},
                            {"restoreRate", restore_rate_}}}}}}}});
  }

  if (query.find("webhookSubscriptionCreate(") != std::string::npos) {
    if (fail_creates_)
      return json(200, {{"data",
                         {{"webhookSubscriptionCreate",
                           {{"webhookSubscription", nullptr},
                            {"userErrors",
                             {{{"field", {"webhookSubscription", "uri"}},
                               {"message", "Address for this topic has already been taken"}}}}}}}},
                        {"extensions", extensions()}});
    Subscription created{
        "gid://shopify/WebhookSubscription/" + std::to_string(next_subscription_++),
        variables.value("topic", ""),
        variables.value("webhookSubscription", Json::object()).value("uri", "")};
    subscriptions_.push_back(created);
    return json(200, {{"data",
                       {{"webhookSubscriptionCreate",
                         {{"webhookSubscription",
                           {{"id", created.id}, {"topic", created.topic}, {"uri", created.uri}}},
                          {"userErrors", Json::array()}}}}},
                      {"extensions", extensions()}});
  }
  if (query.find("webhookSubscriptions(") != std::string::npos) {
    const std::size_t first = static_cast<std::size_t>(variables.value("first", 50));
    std::size_t offset = 0;
    if (variables.contains("after") && variables["after"].is_string())
      offset = std::stoul(variables["after"].get<std::string>().substr(7));  // "cursor:N"
    Json nodes = Json::array();
    for (std::size_t i = offset; i < subscriptions_.size() && nodes.size() < first; ++i) {
      nodes.push_back({{"id", subscriptions_[i].id},
                       {"topic", subscriptions_[i].topic},
                       {"uri", subscriptions_[i].uri}});
    }
    const std::size_t end = offset + nodes.size();
    return json(
        200,
        {{"data",
          {{"webhookSubscriptions",
            {{"nodes", nodes},
             {"pageInfo",
              {{"hasNextPage", end < subscriptions_.size()},
               {"endCursor", nodes.empty() ? Json() : Json("cursor:" + std::to_string(end))}}}}}}},
         {"extensions", extensions()}});
  }
  for (const char* resource : kResources) {
    if (query.find(std::string(resource) + "(") != std::string::npos)
      return connection(resource, variables, query);
  }
  return json(200, {{"errors",
                     {{{"message", "Field doesn't exist on type 'QueryRoot'"},
                       {"extensions", {{"code", "undefinedField"}}}}}}});
}

FakeResponse FakeShopify::connection(const std::string& resource, const Json& variables,
                                     const std::string& query_text) {
  // Caller holds mu_.
  std::vector<Json> nodes = data_[resource];
  const std::string filter = variables.value("query", Json("")).is_string()
                                 ? variables.value("query", std::string())
                                 : std::string();
  static const std::regex kUpdated(R"(updated_at:>='([^']+)')");
  std::smatch match;
  if (std::regex_search(filter, match, kUpdated)) {
    auto since = core::parseIso8601(match[1].str());
    if (!since.isOk()) return json(200, {{"errors", {{{"message", "Invalid search query"}}}}});
    nodes.erase(std::remove_if(nodes.begin(), nodes.end(),
                               [&](const Json& n) { return timeOf(n) < *since; }),
                nodes.end());
  }
  const bool by_update = query_text.find("sortKey: UPDATED_AT") != std::string::npos;
  std::stable_sort(nodes.begin(), nodes.end(), [&](const Json& a, const Json& b) {
    if (by_update && timeOf(a) != timeOf(b)) return timeOf(a) < timeOf(b);
    return numericLess(numericId(a), numericId(b));
  });
  const std::size_t first =
      static_cast<std::size_t>(std::clamp(variables.value("first", 50), 1, 250));
  std::size_t offset = 0;
  if (variables.contains("after") && variables["after"].is_string()) {
    const std::string after = variables["after"].get<std::string>();
    if (after.rfind("cursor:", 0) != 0)
      return json(200, {{"errors", {{{"message", "Invalid cursor"}}}}});
    offset = std::stoul(after.substr(7));
  }
  Json page = Json::array();
  for (std::size_t i = offset; i < nodes.size() && page.size() < first; ++i)
    page.push_back(nodes[i]);
  const std::size_t end = offset + page.size();
  return json(
      200,
      {{"data",
        {{resource,
          {{"nodes", page},
           {"pageInfo",
            {{"hasNextPage", end < nodes.size()},
             {"endCursor", page.empty() ? Json() : Json("cursor:" + std::to_string(end))}}}}}}},
       {"extensions", extensions()}});
}

}  // namespace cartrelay::testing
