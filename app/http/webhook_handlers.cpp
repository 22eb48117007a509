#include "app/http/webhook_handlers.h"

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "connectors/shopify/headers.h"
#include "connectors/shopify/signature.h"
#include "connectors/shopify/topics.h"
#include "connectors/whatsapp/signature.h"
#include "connectors/woocommerce/signature.h"
#include "connectors/woocommerce/topics.h"
#include "core/util/crypto.h"
#include "core/util/json_syntax.h"
#include "core/util/log.h"

namespace cartrelay::app::http {
namespace {

namespace log = core::log;
using core::Status;

// Seconds a platform should wait before retrying when the store is down.
constexpr std::string_view kRetryAfterSeconds = "30";

class WebhookIntake {
 public:
  explicit WebhookIntake(WebhookDeps deps) : deps_(std::move(deps)) {}

  HttpResponse shopify(const HttpRequest& request) const;
  HttpResponse woocommerce(const HttpRequest& request) const;
  HttpResponse cartPlugin(const HttpRequest& request) const;
  HttpResponse whatsappVerify(const HttpRequest& request) const;
  HttpResponse whatsapp(const HttpRequest& request) const;

 private:
  struct Shop {
    const config::ShopConfig* config = nullptr;
    std::int64_t id = 0;
  };

  std::optional<Shop> findShop(std::string_view name, std::string_view platform) const;
  HttpResponse reject(const HttpRequest& request, std::string_view platform, std::string_view shop,
                      int status, std::string_view outcome, std::string_view reason) const;
  // `source` is the shop's name, or "whatsapp" (no shop) for Meta's events.
  HttpResponse store(const HttpRequest& request, const std::string& source,
                     std::optional<std::int64_t> shop_id, std::string_view platform,
                     std::string topic, std::string delivery_id, nlohmann::json headers) const;

  WebhookDeps deps_;
};

std::vector<std::string> secretsOf(const config::ShopConfig& shop) {
  std::vector<std::string> secrets{shop.webhook_secret};
  if (!shop.webhook_secret_previous.empty()) secrets.push_back(shop.webhook_secret_previous);
  return secrets;
}

// When a platform sends no delivery id, identical bytes are the same delivery.
std::string bodyDeliveryId(std::string_view prefix, std::string_view body) {
  return std::string(prefix) + core::crypto::hexEncode(core::crypto::sha256(body)).substr(0, 40);
}

std::optional<WebhookIntake::Shop> WebhookIntake::findShop(std::string_view name,
                                                           std::string_view platform) const {
  for (const config::ShopConfig& shop : deps_.config->shops) {
    if (shop.name != name || shop.platform != platform) continue;
    auto id = deps_.shop_ids.find(name);
    if (id == deps_.shop_ids.end()) return std::nullopt;
    return Shop{&shop, id->second};
  }
  return std::nullopt;
}

HttpResponse WebhookIntake::reject(const HttpRequest& request, std::string_view platform,
                                   std::string_view shop, int status, std::string_view outcome,
                                   std::string_view reason) const {
  deps_.metrics->countWebhook(platform, shop, outcome);
  log::warn("webhook.rejected")
      .kv("request_id", request.request_id)
      .kv("platform", platform)
      .kv("shop", shop)
      .kv("status", static_cast<std::int64_t>(status))
      .kv("reason", reason);
  std::string code = status == 401   ? "UNAUTHENTICATED"
                     : status == 404 ? "NOT_FOUND"
                                     : "BAD_REQUEST";
  return HttpResponse::error(status, code, reason);
}

HttpResponse WebhookIntake::store(const HttpRequest& request, const std::string& source,
                                  std::optional<std::int64_t> shop_id, std::string_view platform,
                                  std::string topic, std::string delivery_id,
                                  nlohmann::json headers) const {
  core::model::InboxEvent event;
  event.source = source;
  event.shop_id = shop_id;
  event.platform = std::string(platform);
  event.topic = std::move(topic);
  event.delivery_id = std::move(delivery_id);
  event.headers_json = headers.dump();
  event.body = request.body;
  event.received_at_ms = deps_.clock->nowMillis();

  auto stored = deps_.writer->write(std::move(event));
  const std::string& shop_name = source;
  if (stored.isOk()) {
    deps_.metrics->countWebhook(platform, shop_name, "accepted");
    return HttpResponse::json(200, R"({"status":"accepted"})");
  }
  const Status& status = stored.status();
  if (status.code() == Status::Code::kDuplicate) {
    deps_.metrics->countWebhook(platform, shop_name, "duplicate");
    return HttpResponse::json(200, R"({"status":"duplicate"})");
  }
  if (status.code() == Status::Code::kInvalidArgument) {
    return reject(request, platform, shop_name, 400, "malformed", status.message());
  }
  deps_.metrics->countWebhook(platform, shop_name, "unavailable");
  log::error("webhook.store_failed")
      .kv("request_id", request.request_id)
      .kv("platform", platform)
      .kv("shop", shop_name)
      .status(status);
  HttpResponse response =
      HttpResponse::error(503, "UNAVAILABLE", "the inbox cannot store events right now");
  response.headers.set("Retry-After", std::string(kRetryAfterSeconds));
  return response;
}

HttpResponse WebhookIntake::shopify(const HttpRequest& request) const {
  constexpr std::string_view kPlatform = "shopify";
  const std::string_view name = request.pathParam("shop");
  auto shop = findShop(name, kPlatform);
  if (!shop) return reject(request, kPlatform, "unknown", 404, "unknown_shop", "unknown shop");

  connectors::shopify::HeaderLookup lookup =
      [&request](std::string_view header) -> std::optional<std::string> {
    auto value = request.header(header);
    if (!value) return std::nullopt;
    return std::string(*value);
  };
  auto hmac = connectors::shopify::findHmacHeader(lookup);
  if (!hmac) {
    return reject(request, kPlatform, name, 401, "unauthorized", "missing HMAC header");
  }
  Status verified =
      connectors::shopify::verifyWebhookHmac(*hmac, request.body, secretsOf(*shop->config));
  if (!verified.isOk()) {
    return reject(request, kPlatform, name, 401, "unauthorized", "signature does not match");
  }
  auto topic = connectors::shopify::findHeader(lookup, "shopify-topic");
  if (!topic || topic->empty()) {
    return reject(request, kPlatform, name, 400, "malformed", "missing topic header");
  }
  if (!core::isValidJson(request.body)) {
    return reject(request, kPlatform, name, 400, "malformed", "body is not valid JSON");
  }
  if (!connectors::shopify::isSupportedTopic(*topic)) {
    deps_.metrics->countWebhook(kPlatform, name, "ignored_topic");
    return HttpResponse::json(200, R"({"status":"ignored"})");
  }

  nlohmann::json headers = nlohmann::json::object();
  for (std::string_view h : {"shopify-topic", "shopify-shop-domain", "shopify-api-version",
                             "shopify-webhook-id", "shopify-event-id", "shopify-triggered-at"}) {
    if (auto value = connectors::shopify::findHeader(lookup, h)) {
      headers["x-" + std::string(h)] = *value;
    }
  }
  // Shopify's dedupe key is the event id ("shared across all deliveries from
  // the same merchant action"), qualified by topic; Webhook-Id is the fallback.
  std::string delivery_id;
  if (auto event_id = connectors::shopify::findHeader(lookup, "shopify-event-id")) {
    delivery_id = *topic + ":" + *event_id;
  } else if (auto webhook_id = connectors::shopify::findHeader(lookup, "shopify-webhook-id")) {
    delivery_id = *topic + ":webhook:" + *webhook_id;
  } else {
    delivery_id = *topic + ":" + bodyDeliveryId("body-", request.body);
  }
  return store(request, shop->config->name, shop->id, kPlatform, *topic, std::move(delivery_id),
               std::move(headers));
}

HttpResponse WebhookIntake::woocommerce(const HttpRequest& request) const {
  constexpr std::string_view kPlatform = "woocommerce";
  const std::string_view name = request.pathParam("shop");
  auto shop = findShop(name, kPlatform);
  if (!shop) return reject(request, kPlatform, "unknown", 404, "unknown_shop", "unknown shop");

  auto signature = request.header(connectors::woocommerce::kSignatureHeader);
  if (!signature) {
    // WooCommerce activates a new webhook only after its unsigned ping got
    // exactly 200; nothing is stored for it.
    if (connectors::woocommerce::isCreationPing(request.body)) {
      deps_.metrics->countWebhook(kPlatform, name, "ping");
      log::info("webhook.ping").kv("request_id", request.request_id).kv("shop", name);
      return HttpResponse::json(200, R"({"status":"ping"})");
    }
    return reject(request, kPlatform, name, 401, "unauthorized", "missing signature header");
  }
  Status verified = connectors::woocommerce::verifyWebhookSignature(*signature, request.body,
                                                                    secretsOf(*shop->config));
  if (!verified.isOk()) {
    return reject(request, kPlatform, name, 401, "unauthorized", "signature does not match");
  }
  auto topic = request.header("X-WC-Webhook-Topic");
  if (!topic || topic->empty()) {
    return reject(request, kPlatform, name, 400, "malformed", "missing topic header");
  }
  if (!core::isValidJson(request.body)) {
    return reject(request, kPlatform, name, 400, "malformed", "body is not valid JSON");
  }
  if (!connectors::woocommerce::isSupportedTopic(*topic)) {
    deps_.metrics->countWebhook(kPlatform, name, "ignored_topic");
    return HttpResponse::json(200, R"({"status":"ignored"})");
  }

  nlohmann::json headers = nlohmann::json::object();
  for (std::string_view h :
       {"x-wc-webhook-topic", "x-wc-webhook-resource", "x-wc-webhook-event", "x-wc-webhook-id",
        "x-wc-webhook-delivery-id", "x-wc-webhook-source"}) {
    if (auto value = request.header(h)) headers[std::string(h)] = std::string(*value);
  }
  auto delivery = request.header("X-WC-Webhook-Delivery-ID");
  std::string delivery_id = delivery && !delivery->empty()
                                ? std::string(*delivery)
                                : bodyDeliveryId(std::string(*topic) + ":body-", request.body);
  return store(request, shop->config->name, shop->id, kPlatform, std::string(*topic),
               std::move(delivery_id), std::move(headers));
}

HttpResponse WebhookIntake::cartPlugin(const HttpRequest& request) const {
  constexpr std::string_view kPlatform = "woocommerce";
  const std::string_view name = request.pathParam("shop");
  auto shop = findShop(name, kPlatform);
  if (!shop || shop->config->cart_webhook_token.empty()) {
    return reject(request, kPlatform, shop ? name : "unknown", 404, "unknown_shop", "unknown shop");
  }
  // The token is the plugin's only credential: compare in constant time.
  if (!core::crypto::constantTimeEquals(request.pathParam("token"),
                                        shop->config->cart_webhook_token)) {
    return reject(request, kPlatform, name, 401, "unauthorized", "wrong cart webhook token");
  }
  if (request.body.empty()) {
    return reject(request, kPlatform, name, 400, "malformed", "empty body");
  }
  nlohmann::json headers = nlohmann::json::object();
  if (auto type = request.header("Content-Type")) headers["content-type"] = std::string(*type);
  return store(request, shop->config->name, shop->id, kPlatform,
               std::string(connectors::woocommerce::kCartFlowsTopic),
               bodyDeliveryId("cartflows-", request.body), std::move(headers));
}

}  // namespace

HttpResponse WebhookIntake::whatsappVerify(const HttpRequest& request) const {
  // Meta's subscription handshake (whatsapp-cloud-api.md §5): no signature,
  // the verify token instead; the challenge goes back raw.
  constexpr std::string_view kPlatform = "whatsapp";
  const auto mode = request.queryParam("hub.mode");
  const auto token = request.queryParam("hub.verify_token");
  const auto challenge = request.queryParam("hub.challenge");
  const std::string& expected = deps_.config->whatsapp.verify_token;
  if (!mode || *mode != "subscribe" || !token || !challenge || expected.empty() ||
      !core::crypto::constantTimeEquals(*token, expected)) {
    deps_.metrics->countWebhook(kPlatform, "-", "unauthorized");
    log::warn("webhook.rejected")
        .kv("request_id", request.request_id)
        .kv("platform", kPlatform)
        .kv("reason", "verification handshake refused");
    return HttpResponse::error(403, "FORBIDDEN", "verification refused");
  }
  HttpResponse response;
  response.status = 200;
  response.headers.set("Content-Type", "text/plain; charset=utf-8");
  response.body = std::string(*challenge);
  return response;
}

HttpResponse WebhookIntake::whatsapp(const HttpRequest& request) const {
  constexpr std::string_view kPlatform = "whatsapp";
  const std::vector<std::string> secrets{deps_.config->whatsapp.app_secret};
  const auto signature = request.header(whatsapp::kSignatureHeader);
  core::Status verified =
      whatsapp::verifySignature(signature ? *signature : std::string_view(), request.body, secrets);
  if (!verified.isOk()) {
    return reject(request, kPlatform, "-", 401, "unauthorized", verified.message());
  }
  if (!core::isValidJson(request.body)) {
    return reject(request, kPlatform, "-", 400, "malformed", "the body is not JSON");
  }
  // Meta sends no delivery id; a retry repeats the same bytes.
  return store(request, std::string(kPlatform), std::nullopt, kPlatform, "webhook",
               bodyDeliveryId("sha256:", request.body), nlohmann::json::object());
}

void addWebhookRoutes(Router& router, WebhookDeps deps) {
  auto intake = std::make_shared<const WebhookIntake>(std::move(deps));
  router.add({"POST"}, "/webhooks/shopify/{shop}",
             [intake](const HttpRequest& r) { return intake->shopify(r); });
  router.add({"POST"}, "/webhooks/woocommerce/{shop}",
             [intake](const HttpRequest& r) { return intake->woocommerce(r); });
  router.add({"POST"}, "/webhooks/cart/{shop}/{token}",
             [intake](const HttpRequest& r) { return intake->cartPlugin(r); });
  router.add({"GET"}, "/webhooks/whatsapp",
             [intake](const HttpRequest& r) { return intake->whatsappVerify(r); });
  router.add({"POST"}, "/webhooks/whatsapp",
             [intake](const HttpRequest& r) { return intake->whatsapp(r); });
}

}  // namespace cartrelay::app::http
