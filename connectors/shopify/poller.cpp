#include "connectors/shopify/poller.h"

#include <utility>

#include <nlohmann/json.hpp>

#include "core/util/log.h"

namespace cartrelay::connectors::shopify {
namespace {

using core::Status;
using Json = nlohmann::json;

// Shared node fragments. Page sizes keep each query's requested cost well
// under Shopify's single-query maximum of 1000 points: a checkout or order
// with 10 line items costs about 60, a customer about 5.
constexpr const char* kFragments = R"(
fragment CartrelayAddress on MailingAddress {
  firstName lastName address1 address2 city province zip countryCodeV2 phone
}
fragment CartrelayCustomer on Customer {
  id firstName lastName updatedAt tags
  defaultEmailAddress { emailAddress }
  defaultPhoneNumber {
    phoneNumber
    whatsAppMarketingConsent { state optInLevel updatedAt collectedFrom }
  }
  defaultAddress { ...CartrelayAddress }
}
fragment CartrelayMoney on MoneyBag { shopMoney { amount currencyCode } }
)";

constexpr const char* kLineItems = R"(
      lineItems(first: 10) {
        nodes {
          title quantity
          variant { id }
          product { id }
          originalUnitPriceSet { ...CartrelayMoney }
        }
      })";

std::string buildQuery(PollResource resource) {
  std::string connection;
  std::string sort_key;
  std::string fields;
  std::string fragments = kFragments;
  switch (resource) {
    case PollResource::kAbandonedCheckouts:
      connection = "abandonedCheckouts";
      sort_key = "ID";  // AbandonedCheckoutSortKeys has no UPDATED_AT
      fields = std::string(R"(
      id name abandonedCheckoutUrl createdAt updatedAt completedAt
      totalPriceSet { ...CartrelayMoney }
      customer { ...CartrelayCustomer }
      billingAddress { ...CartrelayAddress }
      shippingAddress { ...CartrelayAddress })") +
               kLineItems;
      break;
    case PollResource::kOrders:
      connection = "orders";
      sort_key = "UPDATED_AT";
      fields = std::string(R"(
      id name email phone createdAt processedAt updatedAt cancelledAt
      checkoutToken cartToken displayFinancialStatus displayFulfillmentStatus
      totalPriceSet { ...CartrelayMoney }
      customer { ...CartrelayCustomer }
      billingAddress { ...CartrelayAddress }
      shippingAddress { ...CartrelayAddress })") +
               kLineItems;
      break;
    case PollResource::kCustomers:
      connection = "customers";
      sort_key = "UPDATED_AT";
      fields = R"(
      ...CartrelayCustomer)";
      // Only the fragments a query uses may be sent (GraphQL rejects unused ones).
      fragments = R"(
fragment CartrelayAddress on MailingAddress {
  firstName lastName address1 address2 city province zip countryCodeV2 phone
}
fragment CartrelayCustomer on Customer {
  id firstName lastName updatedAt tags
  defaultEmailAddress { emailAddress }
  defaultPhoneNumber {
    phoneNumber
    whatsAppMarketingConsent { state optInLevel updatedAt collectedFrom }
  }
  defaultAddress { ...CartrelayAddress }
}
)";
      break;
    case PollResource::kProducts:
      connection = "products";
      sort_key = "UPDATED_AT";
      fields = R"(
      id title productType tags updatedAt)";
      fragments.clear();
      break;
  }
  return "query CartrelayPoll($first: Int!, $after: String, $query: String) {\n  " + connection +
         "(first: $first, after: $after, query: $query, sortKey: " + sort_key + ") {\n    nodes {" +
         fields + "\n    }\n    pageInfo { hasNextPage endCursor }\n  }\n}\n" + fragments;
}

int pageSize(PollResource resource) {
  switch (resource) {
    case PollResource::kAbandonedCheckouts:
    case PollResource::kOrders:
      return 10;
    case PollResource::kCustomers:
      return 50;
    case PollResource::kProducts:
      return 100;
  }
  return 10;
}

std::string_view connectionName(PollResource resource) {
  switch (resource) {
    case PollResource::kAbandonedCheckouts:
      return "abandonedCheckouts";
    case PollResource::kOrders:
      return "orders";
    case PollResource::kCustomers:
      return "customers";
    case PollResource::kProducts:
      return "products";
  }
  return "orders";
}

// Sorted by updated time: a finished page moves the cursor. Sorted by ID:
// only a finished round does.
bool sortedByUpdate(PollResource resource) { return resource != PollResource::kAbandonedCheckouts; }

std::string stringAt(const Json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

std::string numericTail(const std::string& gid) {
  const auto slash = gid.rfind('/');
  return slash == std::string::npos ? gid : gid.substr(slash + 1);
}

}  // namespace

std::string_view graphqlResourceName(PollResource resource) {
  switch (resource) {
    case PollResource::kAbandonedCheckouts:
      return "abandoned_checkout";
    case PollResource::kOrders:
      return "order";
    case PollResource::kCustomers:
      return "customer";
    case PollResource::kProducts:
      return "product";
  }
  return "order";
}

std::string_view cursorKey(PollResource resource) {
  switch (resource) {
    case PollResource::kAbandonedCheckouts:
      return "abandoned_checkouts";
    case PollResource::kOrders:
      return "orders";
    case PollResource::kCustomers:
      return "customers";
    case PollResource::kProducts:
      return "products";
  }
  return "orders";
}

std::string isoSeconds(core::EpochMillis t) {
  const core::EpochMillis floored = t - (((t % 1000) + 1000) % 1000);
  std::string text = core::formatIso8601(floored);  // "...:05.000Z"
  const auto dot = text.rfind('.');
  if (dot != std::string::npos) text = text.substr(0, dot) + "Z";
  return text;
}

const std::string& Poller::queryFor(PollResource resource) {
  static const std::string kQueries[] = {
      buildQuery(PollResource::kAbandonedCheckouts), buildQuery(PollResource::kOrders),
      buildQuery(PollResource::kCustomers), buildQuery(PollResource::kProducts)};
  return kQueries[static_cast<int>(resource)];
}

Poller::Poller(PollerOptions options, AdminGraphqlClient& client, core::store::Database& db,
               const core::Clock& clock, EventSink sink)
    : options_(std::move(options)),
      client_(client),
      db_(db),
      clock_(clock),
      sink_(std::move(sink)) {
  core::polling::clampPollOptions(options_);
}

PollRound Poller::pollOnce() {
  PollRound round;
  for (PollResource resource : options_.resources) round.resources.push_back(poll(resource));
  return round;
}

ResourcePoll Poller::poll(PollResource resource) {
  ResourcePoll result;
  result.resource = resource;
  const int waits_before = client_.throttleWaits();
  const std::string_view word = graphqlResourceName(resource);

  auto window = core::polling::PollWindow::open(
      db_, clock_, options_, std::string(cursorKey(resource)), &isoSeconds, result);
  if (!window) return result;

  const std::string filter = "updated_at:>='" + isoSeconds(window->since()) + "'";
  const std::string& query = queryFor(resource);
  Json after;  // null: first page
  bool finished = false;
  while (result.pages < options_.max_pages) {
    Json variables = {{"first", pageSize(resource)}, {"after", after}, {"query", filter}};
    auto data = client_.execute(query, variables);
    if (!data.isOk()) {
      result.status = data.status();
      break;
    }
    ++result.pages;
    const Json connection = data->value(std::string(connectionName(resource)), Json());
    const Json nodes = connection.is_object() ? connection.value("nodes", Json()) : Json();
    if (!nodes.is_array()) {
      result.status =
          Status::permanent("shopify graphql: " + std::string(connectionName(resource)) +
                            ".nodes missing from the response");
      break;
    }
    bool page_ok = true;
    for (const Json& node : nodes) {
      const std::string id = numericTail(stringAt(node, "id"));
      const std::string updated = stringAt(node, "updatedAt");
      auto updated_ms = core::parseIso8601(updated);
      if (id.empty() || !updated_ms.isOk()) {
        // Cannot be deduplicated or ordered: skipping is safer than storing
        // it under an id that changes every round.
        core::log::warn("poll.node_skipped")
            .kv("shop", options_.shop_name)
            .kv("resource", word)
            .kv("reason", "no id or updatedAt");
        continue;
      }
      core::model::InboxEvent event;
      event.source = options_.shop_name;
      event.shop_id = options_.shop_id;
      event.platform = "shopify";
      event.topic = "graphql/" + std::string(word);
      event.delivery_id = "poll:" + std::string(word) + ":" + id + ":" + updated;
      event.headers_json = "{}";
      event.body = node.dump();
      if (!result.countStored(sink_(std::move(event)))) {
        page_ok = false;
        break;
      }
      window->observe(*updated_ms);
    }
    if (!page_ok) break;
    if (sortedByUpdate(resource) && !window->commit(result)) break;
    const Json page_info = connection.value("pageInfo", Json());
    const bool has_next = page_info.is_object() && page_info.value("hasNextPage", false);
    const std::string end_cursor = stringAt(page_info, "endCursor");
    if (!has_next || end_cursor.empty()) {
      finished = true;
      break;
    }
    after = end_cursor;
  }
  if (finished && !sortedByUpdate(resource)) window->commit(result);
  result.rate_limit_waits = client_.throttleWaits() - waits_before;
  return result;
}

}  // namespace cartrelay::connectors::shopify
