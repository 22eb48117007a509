#include "app/http/webhook_handlers.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>

#include "connectors/shopify/headers.h"
#include "connectors/shopify/signature.h"
#include "connectors/shopify/topics.h"
#include "connectors/woocommerce/signature.h"
#include "connectors/woocommerce/topics.h"
#include "core/util/crypto.h"
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

 private:
  struct Shop {
    const config::ShopConfig* config = nullptr;
    std::int64_t id = 0;
  };

  std::optional<Shop> findShop(std::string_view name, std::string_view platform) const;
  HttpResponse reject(const HttpRequest& request, std::string_view platform, std::string_view shop,
                      int status, std::string_view outcome, std::string_view reason) const;
  HttpResponse store(const HttpRequest& request, const Shop& shop, std::string_view platform,
                     std::string topic, std::string delivery_id, nlohmann::json headers) const;

  WebhookDeps deps_;
};

std::vector<std::string> secretsOf(const config::ShopConfig& shop) {
  std::vector<std::string> secrets{shop.webhook_secret};
  if (!shop.webhook_secret_previous.empty()) secrets.push_back(shop.webhook_secret_previous);
  return secrets;
}

// Whether `text` is one JSON value (RFC 8259), with exactly the verdict of
// nlohmann::json::accept: optional UTF-8 BOM, strict UTF-8 inside strings,
// \u escapes with paired surrogates, and numbers that overflow a double
// refused. It builds nothing and copies nothing, which makes it about ten
// times faster than accept() on a 7 KB webhook; at thousands of webhooks a
// second that is a visible share of the intake's CPU. Depth is unbounded
// (the container stack is on the heap), like accept().
class JsonSyntax {
 public:
  explicit JsonSyntax(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  bool valid() {
    if (end_ - p_ >= 3 && std::string_view(p_, 3) == "\xEF\xBB\xBF") p_ += 3;
    std::vector<char> open;  // '{' or '[' of every enclosing container
    enum class Next { kValue, kKey, kAfterValue } next = Next::kValue;
    for (;;) {
      skipSpace();
      switch (next) {
        case Next::kValue:
          if (p_ == end_) return false;
          if (*p_ == '{' || *p_ == '[') {
            const char closer = *p_ == '{' ? '}' : ']';
            const bool object = *p_ == '{';
            ++p_;
            skipSpace();
            if (p_ != end_ && *p_ == closer) {
              ++p_;
              next = Next::kAfterValue;
            } else {
              open.push_back(object ? '{' : '[');
              next = object ? Next::kKey : Next::kValue;
            }
            continue;
          }
          if (!scalar()) return false;
          next = Next::kAfterValue;
          continue;
        case Next::kKey:
          if (p_ == end_ || *p_ != '"') return false;
          ++p_;
          if (!string()) return false;
          skipSpace();
          if (p_ == end_ || *p_ != ':') return false;
          ++p_;
          next = Next::kValue;
          continue;
        case Next::kAfterValue:
          if (open.empty()) return p_ == end_;
          if (p_ == end_) return false;
          if (*p_ == ',') {
            ++p_;
            next = open.back() == '{' ? Next::kKey : Next::kValue;
            continue;
          }
          if (*p_ != (open.back() == '{' ? '}' : ']')) return false;
          ++p_;
          open.pop_back();
          continue;
      }
    }
  }

 private:
  void skipSpace() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::string_view(p_, word.size()) != word) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  bool scalar() {
    switch (*p_) {
      case '"':
        ++p_;
        return string();
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return number();
    }
  }

  static bool isDigit(char c) { return c >= '0' && c <= '9'; }

  // -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, finite as a double.
  bool number() {
    const char* start = p_;
    if (*p_ == '-') ++p_;
    if (p_ == end_ || !isDigit(*p_)) return false;
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ != end_ && isDigit(*p_)) ++p_;
    }
    const std::ptrdiff_t integer_digits = p_ - start - (*start == '-' ? 1 : 0);
    if (p_ != end_ && *p_ == '.') {
      ++p_;
      if (p_ == end_ || !isDigit(*p_)) return false;
      while (p_ != end_ && isDigit(*p_)) ++p_;
    }
    bool exponent = false;
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      exponent = true;
      ++p_;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !isDigit(*p_)) return false;
      while (p_ != end_ && isDigit(*p_)) ++p_;
    }
    // Only an exponent or 309+ integer digits can reach DBL_MAX.
    if (!exponent && integer_digits < 309) return true;
    double value = 0;
    auto [ptr, ec] = std::from_chars(start, p_, value);
    if (ec == std::errc::result_out_of_range) return !magnitudeAtLeastOne(start, p_);
    return ec == std::errc() && ptr == p_ && std::isfinite(value);
  }

  // For a number from_chars found out of range: overflow (|x| >= 1, refused,
  // as nlohmann refuses an infinite double) or underflow (accepted: it reads
  // as zero or a denormal). Decided by the decimal position of the first
  // significant digit plus the exponent.
  static bool magnitudeAtLeastOne(const char* p, const char* end) {
    if (*p == '-') ++p;
    long long lead = 0;  // decimal exponent of the first significant digit
    bool found = false;
    const char* q = p;
    for (; q != end && isDigit(*q); ++q) {
      if (!found && *q != '0') found = true;
      if (found) ++lead;
    }
    if (found) {
      lead -= 1;
    } else if (q != end && *q == '.') {
      for (++q; q != end && isDigit(*q); ++q) {
        --lead;
        if (*q != '0') {
          found = true;
          break;
        }
      }
    }
    if (!found) return false;  // zero
    while (q != end && *q != 'e' && *q != 'E') ++q;
    if (q == end) return lead >= 0;
    ++q;
    const bool negative = *q == '-';
    if (*q == '+' || *q == '-') ++q;
    long long exp = 0;
    for (; q != end; ++q) {
      exp = std::min<long long>(exp * 10 + (*q - '0'), 1LL << 40);  // saturate
    }
    return lead + (negative ? -exp : exp) >= 0;
  }

  static int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  // Four hex digits after "\u"; -1 if there are not.
  int codeUnit() {
    if (end_ - p_ < 4) return -1;
    int unit = 0;
    for (int i = 0; i < 4; ++i) {
      int v = hexValue(p_[i]);
      if (v < 0) return -1;
      unit = unit * 16 + v;
    }
    p_ += 4;
    return unit;
  }

  static bool continuation(unsigned char c, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return c >= lo && c <= hi;
  }

  // After the opening quote, up to and including the closing one.
  bool string() {
    for (;;) {
      if (p_ == end_) return false;
      const auto c = static_cast<unsigned char>(*p_++);
      if (c == '"') return true;
      if (c < 0x20) return false;
      if (c < 0x80) {
        if (c != '\\') continue;
        if (p_ == end_) return false;
        switch (*p_++) {
          case '"':
          case '\\':
          case '/':
          case 'b':
          case 'f':
          case 'n':
          case 'r':
          case 't':
            continue;
          case 'u': {
            const int unit = codeUnit();
            if (unit < 0 || (unit >= 0xDC00 && unit <= 0xDFFF)) return false;
            if (unit >= 0xD800 && unit <= 0xDBFF) {
              if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
              p_ += 2;
              const int low = codeUnit();
              if (low < 0xDC00 || low > 0xDFFF) return false;
            }
            continue;
          }
          default:
            return false;
        }
      }
      // Multi-byte UTF-8 (RFC 3629 table 3-7: no overlongs, no surrogates).
      int more = 0;
      unsigned char lo = 0x80;
      unsigned char hi = 0xBF;
      if (c >= 0xC2 && c <= 0xDF) {
        more = 1;
      } else if (c == 0xE0) {
        more = 2, lo = 0xA0;
      } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
        more = 2;
      } else if (c == 0xED) {
        more = 2, hi = 0x9F;
      } else if (c == 0xF0) {
        more = 3, lo = 0x90;
      } else if (c >= 0xF1 && c <= 0xF3) {
        more = 3;
      } else if (c == 0xF4) {
        more = 3, hi = 0x8F;
      } else {
        return false;
      }
      if (end_ - p_ < more) return false;
      if (!continuation(static_cast<unsigned char>(*p_++), lo, hi)) return false;
      for (int i = 1; i < more; ++i) {
        if (!continuation(static_cast<unsigned char>(*p_++))) return false;
      }
    }
  }

  const char* p_;
  const char* end_;
};

bool isJson(std::string_view text) { return JsonSyntax(text).valid(); }

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

HttpResponse WebhookIntake::store(const HttpRequest& request, const Shop& shop,
                                  std::string_view platform, std::string topic,
                                  std::string delivery_id, nlohmann::json headers) const {
  core::model::InboxEvent event;
  event.source = shop.config->name;
  event.shop_id = shop.id;
  event.platform = std::string(platform);
  event.topic = std::move(topic);
  event.delivery_id = std::move(delivery_id);
  event.headers_json = headers.dump();
  event.body = request.body;
  event.received_at_ms = deps_.clock->nowMillis();

  auto stored = deps_.writer->write(std::move(event));
  const std::string& shop_name = shop.config->name;
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
  if (!isJson(request.body)) {
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
  return store(request, *shop, kPlatform, *topic, std::move(delivery_id), std::move(headers));
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
  if (!isJson(request.body)) {
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
  return store(request, *shop, kPlatform, std::string(*topic), std::move(delivery_id),
               std::move(headers));
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
  return store(request, *shop, kPlatform, std::string(connectors::woocommerce::kCartFlowsTopic),
               bodyDeliveryId("cartflows-", request.body), std::move(headers));
}

}  // namespace

void addWebhookRoutes(Router& router, WebhookDeps deps) {
  auto intake = std::make_shared<const WebhookIntake>(std::move(deps));
  router.add({"POST"}, "/webhooks/shopify/{shop}",
             [intake](const HttpRequest& r) { return intake->shopify(r); });
  router.add({"POST"}, "/webhooks/woocommerce/{shop}",
             [intake](const HttpRequest& r) { return intake->woocommerce(r); });
  router.add({"POST"}, "/webhooks/cart/{shop}/{token}",
             [intake](const HttpRequest& r) { return intake->cartPlugin(r); });
}

}  // namespace cartrelay::app::http
