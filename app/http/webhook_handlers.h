#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "app/config/app_config.h"
#include "app/http/router.h"
#include "core/inbox/inbox_writer.h"
#include "core/metrics/metrics.h"
#include "core/util/clock.h"

namespace cartrelay::app::http {

// Everything the shop webhook routes need. All pointers must outlive the
// server; none may be null.
struct WebhookDeps {
  const config::AppConfig* config = nullptr;
  // Store id of every configured shop (ShopRepo::ensure at start-up).
  std::map<std::string, std::int64_t, std::less<>> shop_ids;
  core::inbox::InboxWriter* writer = nullptr;
  core::metrics::Metrics* metrics = nullptr;
  const core::Clock* clock = nullptr;
};

// Registers the shop intake (DESIGN.md "The interface", "Delivery semantics"):
//   POST /webhooks/shopify/{shop}       X-Shopify-* (or unprefixed) headers, HMAC
//   POST /webhooks/woocommerce/{shop}   X-WC-Webhook-* headers, HMAC; the
//                                       unsigned `webhook_id=N` creation ping
//   POST /webhooks/cart/{shop}/{token}  unsigned abandoned-cart plugin posts
//                                       (CartFlows), authenticated by the token
//   GET  /webhooks/whatsapp             Meta's verification handshake: 200 with the
//                                       raw hub.challenge when hub.mode=subscribe and
//                                       hub.verify_token matches whatsapp.verify_token,
//                                       else 403; no signature check
//   POST /webhooks/whatsapp             X-Hub-Signature-256 over the raw bytes with
//                                       whatsapp.app_secret (401), JSON (400), then
//                                       stored like a shop's event (source and
//                                       platform "whatsapp", delivery id = the body's
//                                       hash, since Meta's retries repeat the bytes);
//                                       the items are applied later, each on its own
//                                       (app/whatsapp_event_handler.h)
//
// Order of checks: shop known (404) -> signature over the raw bytes (401) ->
// topic present (400) -> body well-formed (400) -> topic used by cartrelay
// (else 200, counted, not stored) -> durable inbox insert (200; duplicate
// 200; store down 503 with Retry-After). Processing happens later, never
// inside the request. Rejections are logged with shop and reason, never with
// body or header values.
void addWebhookRoutes(Router& router, WebhookDeps deps);

}  // namespace cartrelay::app::http
