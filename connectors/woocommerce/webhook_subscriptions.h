#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "connectors/woocommerce/rest_client.h"
#include "core/util/status.h"

namespace cartrelay::connectors::woocommerce {

// The webhook topics cartrelay keeps registered on a WooCommerce shop.
const std::vector<std::string>& requiredWebhookTopics();

// {public_url}/webhooks/woocommerce/{shop} (no trailing slash on public_url).
std::string deliveryUrl(std::string_view public_url, std::string_view shop_name);

// Subscription health words shared with the status page and metrics.
inline constexpr std::string_view kHealthOk = "ok";
inline constexpr std::string_view kHealthMissing = "missing";
inline constexpr std::string_view kHealthDisabled = "disabled";
inline constexpr std::string_view kHealthReregistered = "re-registered";
inline constexpr std::string_view kHealthUnknown = "unknown";

struct SubscriptionCheck {
  // ok             every required topic has an active webhook to us
  // re-registered  some were disabled/paused or missing and have been
  //                re-enabled or created now
  // disabled       a webhook to us is disabled or paused and could not be
  //                re-enabled
  // missing        a topic has no webhook to us and none could be created
  //                (no public_url or webhook_secret, or the create failed)
  // unknown        the webhooks could not be listed
  std::string health = std::string(kHealthUnknown);
  std::vector<std::string> missing;    // topics still without a webhook
  std::vector<std::string> disabled;   // topics whose webhook is still not active
  std::vector<std::string> created;    // topics created by this check
  std::vector<std::string> reenabled;  // topics re-activated by this check
  std::string detail;                  // why not ok, without secrets
  core::Status status;                 // the listing error for "unknown"

  bool healthy() const { return health == kHealthOk || health == kHealthReregistered; }
};

// Lists GET /wc/v3/webhooks (bounded pages of 100) and, for each required
// topic, finds our webhook (delivery_url == deliveryUrl(); without a
// public_url any delivery_url ending in /webhooks/woocommerce/<shop>, which
// can be checked but not created). WooCommerce never retries a delivery and
// sets a webhook to `disabled` after repeated failures (reference §6):
//   disabled or paused -> PUT /webhooks/<id> {"status":"active"}
//   missing            -> POST /webhooks {name, topic, delivery_url, secret,
//                         status:"active"} with the shop's webhook_secret
//                         (needs public_url and a non-empty secret)
// Never throws.
SubscriptionCheck checkWebhooks(RestClient& client, std::string_view shop_name,
                                std::string_view public_url, std::string_view webhook_secret);

}  // namespace cartrelay::connectors::woocommerce
