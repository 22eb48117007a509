#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "connectors/shopify/admin_graphql_client.h"
#include "core/util/status.h"

namespace cartrelay::connectors::shopify {

// The webhook topics cartrelay needs from a Shopify shop, in REST spelling
// ("checkouts/create", ..., "customers_whats_app_marketing_consent/update").
const std::vector<std::string>& requiredWebhookTopics();

// "orders/create" -> "ORDERS_CREATE": the WebhookSubscriptionTopic enum value
// (slashes to underscores, upper case).
std::string topicEnumName(std::string_view topic);

// {public_url}/webhooks/shopify/{shop} (public_url without a trailing slash):
// the callback the daemon serves (DESIGN.md "The interface").
std::string callbackUrl(std::string_view public_url, std::string_view shop_name);

// Subscription health words shared with the status page and metrics.
inline constexpr std::string_view kHealthOk = "ok";
inline constexpr std::string_view kHealthMissing = "missing";
inline constexpr std::string_view kHealthDisabled = "disabled";
inline constexpr std::string_view kHealthReregistered = "re-registered";
inline constexpr std::string_view kHealthUnknown = "unknown";

struct SubscriptionCheck {
  // ok             every required topic has a subscription to our callback
  // re-registered  some were missing and have been created again now
  // missing        some are missing and could not be created (no public_url,
  //                or the create failed)
  // unknown        the subscriptions could not be listed
  std::string health = std::string(kHealthUnknown);
  std::vector<std::string> missing;  // REST topic names, still missing
  std::vector<std::string> created;  // REST topic names, created by this check
  // Why the health is not "ok", without secrets: "no public_url",
  // an API error, a userErrors message.
  std::string detail;
  core::Status status;  // the listing error for "unknown", else OK

  bool healthy() const { return health == kHealthOk || health == kHealthReregistered; }
};

// Lists the shop's webhookSubscriptions, finds the ones delivering to our
// callback (when public_url is empty: any whose URI ends in
// /webhooks/shopify/<shop>, which can be checked but not re-created) and
// re-creates each missing required topic with webhookSubscriptionCreate (JSON
// format) when public_url is set. Shopify deletes subscriptions after
// repeated delivery failures and on incidents (reference §1), and polling
// backfills what they missed. Never throws; bounded (at most 10 pages of 100).
SubscriptionCheck checkWebhookSubscriptions(AdminGraphqlClient& client, std::string_view shop_name,
                                            std::string_view public_url);

}  // namespace cartrelay::connectors::shopify
