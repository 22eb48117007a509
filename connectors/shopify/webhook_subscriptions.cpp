#include "connectors/shopify/webhook_subscriptions.h"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "core/util/text.h"

namespace cartrelay::connectors::shopify {
namespace {

using Json = nlohmann::json;

constexpr int kMaxPages = 10;

constexpr const char* kListQuery = R"(query CartrelayWebhooks($first: Int!, $after: String) {
  webhookSubscriptions(first: $first, after: $after) {
    nodes { id topic uri }
    pageInfo { hasNextPage endCursor }
  }
}
)";

constexpr const char* kCreateMutation =
    R"(mutation CartrelayWebhookCreate($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription { id topic uri }
    userErrors { field message }
  }
}
)";

std::string stringAt(const Json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

bool endsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

const std::vector<std::string>& requiredWebhookTopics() {
  static const std::vector<std::string> kTopics = {
      "checkouts/create", "checkouts/update",
      "orders/create",    "orders/updated",
      "orders/paid",      "orders/cancelled",
      "orders/fulfilled", "customers/create",
      "customers/update", "customers_whats_app_marketing_consent/update",
  };
  return kTopics;
}

std::string topicEnumName(std::string_view topic) {
  std::string name = core::asciiUpper(topic);
  std::replace(name.begin(), name.end(), '/', '_');
  return name;
}

std::string callbackUrl(std::string_view public_url, std::string_view shop_name) {
  std::string base(public_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/webhooks/shopify/" + std::string(shop_name);
}

SubscriptionCheck checkWebhookSubscriptions(AdminGraphqlClient& client, std::string_view shop_name,
                                            std::string_view public_url) {
  SubscriptionCheck check;
  const bool can_create = !public_url.empty();
  const std::string ours = can_create ? callbackUrl(public_url, shop_name) : std::string();
  const std::string our_suffix = "/webhooks/shopify/" + std::string(shop_name);

  std::set<std::string> present;  // enum names with a subscription to us
  Json after;
  bool complete = false;
  for (int page = 0; page < kMaxPages; ++page) {
    auto data = client.execute(kListQuery, Json{{"first", 100}, {"after", after}});
    if (!data.isOk()) {
      check.status = data.status();
      check.detail = "cannot list webhook subscriptions: " + data.status().message();
      return check;
    }
    const Json connection = data->value("webhookSubscriptions", Json());
    const Json nodes = connection.is_object() ? connection.value("nodes", Json()) : Json();
    if (!nodes.is_array()) {
      check.status = core::Status::permanent("webhookSubscriptions.nodes missing");
      check.detail = "cannot list webhook subscriptions: unexpected response";
      return check;
    }
    for (const Json& node : nodes) {
      std::string uri = stringAt(node, "uri");
      if (uri.empty()) uri = stringAt(node, "callbackUrl");  // versions before `uri`
      const bool mine = can_create ? uri == ours : endsWith(uri, our_suffix);
      if (mine) present.insert(stringAt(node, "topic"));
    }
    const Json page_info = connection.value("pageInfo", Json());
    const std::string end = stringAt(page_info, "endCursor");
    if (!page_info.is_object() || !page_info.value("hasNextPage", false) || end.empty()) {
      complete = true;
      break;
    }
    after = end;
  }
  if (!complete) {
    check.status = core::Status::unavailable("more webhook subscriptions than expected");
    check.detail = "cannot list webhook subscriptions: too many pages";
    return check;
  }

  std::vector<std::string> missing;
  for (const std::string& topic : requiredWebhookTopics()) {
    if (present.count(topicEnumName(topic)) == 0) missing.push_back(topic);
  }
  if (missing.empty()) {
    check.health = std::string(kHealthOk);
    return check;
  }
  if (!can_create) {
    check.health = std::string(kHealthMissing);
    check.missing = missing;
    check.detail = "daemon.public_url is not set, so missing subscriptions cannot be re-created";
    return check;
  }
  for (const std::string& topic : missing) {
    Json variables = {{"topic", topicEnumName(topic)},
                      {"webhookSubscription", {{"uri", ours}, {"format", "JSON"}}}};
    auto data = client.execute(kCreateMutation, variables);
    std::string failure;
    if (!data.isOk()) {
      failure = data.status().message();
    } else {
      const Json payload = data->value("webhookSubscriptionCreate", Json());
      const Json errors = payload.is_object() ? payload.value("userErrors", Json()) : Json();
      if (errors.is_array() && !errors.empty()) {
        failure = stringAt(errors.front(), "message");
        if (failure.empty()) failure = "userErrors";
      } else if (!payload.is_object() ||
                 !payload.value("webhookSubscription", Json()).is_object()) {
        failure = "no subscription in the answer";
      }
    }
    if (failure.empty()) {
      check.created.push_back(topic);
    } else {
      check.missing.push_back(topic);
      if (check.detail.empty()) check.detail = "cannot create " + topic + ": " + failure;
    }
  }
  check.health = std::string(check.missing.empty() ? kHealthReregistered : kHealthMissing);
  return check;
}

}  // namespace cartrelay::connectors::shopify
