#include "app/cli/replay_command.h"

#include <array>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <utility>

#include <Poco/Exception.h>
#include <Poco/URI.h>
#include <Poco/UUIDGenerator.h>

#include "app/cli/command_support.h"
#include "app/version.h"
#include "connectors/shopify/signature.h"
#include "connectors/woocommerce/signature.h"
#include "core/net/http_fetch.h"
#include "core/util/clock.h"
#include "core/util/result.h"

namespace cartrelay::app::cli {
namespace {

constexpr std::string_view kCommand = "replay";
// How much of a non-2xx answer is shown: enough for the daemon's error text.
constexpr std::size_t kShownAnswerBytes = 200;

// The verbs (last topic segment) of Shopify's webhook topics
// (shared/reference/shopify-woocommerce.md §2, plus the other 2026-07 topics
// an operator may have saved), and WooCommerce's webhook events (§6 core
// events; §7 Abandoned Cart Lite's wcap_cart.cutoff / wcap_cart.recovered).
// clang-format off
constexpr std::array<std::string_view, 17> kShopifyVerbs = {
    "create", "update", "updated", "delete", "paid", "fulfilled", "partially_fulfilled",
    "cancelled", "edited", "redact", "data_request", "uninstalled", "enable", "disable",
    "merge", "publish", "risk_assessment_changed"};
// clang-format on
constexpr std::array<std::string_view, 6> kWooEvents = {"created",  "updated", "deleted",
                                                        "restored", "cutoff",  "recovered"};

bool isResourceName(std::string_view text) {
  if (text.empty() || text.front() == '_' || text.back() == '_') return false;
  for (char c : text) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// The topic "<resource><separator><verb>" when `stem` is "<resource>_<verb>"
// for one of `verbs` (longest first wins).
template <std::size_t N>
std::optional<std::string> splitOnVerb(std::string_view stem,
                                       const std::array<std::string_view, N>& verbs,
                                       char separator) {
  std::string_view best;
  for (std::string_view verb : verbs) {
    if (stem.size() > verb.size() + 1 && stem.ends_with(verb) &&
        stem[stem.size() - verb.size() - 1] == '_' && verb.size() > best.size()) {
      best = verb;
    }
  }
  if (best.empty()) return std::nullopt;
  std::string_view resource = stem.substr(0, stem.size() - best.size() - 1);
  if (!isResourceName(resource)) return std::nullopt;
  return std::string(resource) + separator + std::string(best);
}

std::string freshUuid() {
  return Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
}

using Headers = std::vector<core::net::HttpHeader>;

// The daemon's webhook URL for `shop`: --url or daemon.listen, plus the path.
core::Result<Poco::URI> webhookUrl(const ReplayOptions& options, const config::AppConfig& config,
                                   const config::ShopConfig& shop) {
  std::string base = options.url;
  if (base.empty()) {
    const auto& listen = config.daemon.listen;
    if (listen.port == 0) {
      return core::Status::invalidArgument(
          "daemon.listen has port 0 (chosen when the daemon starts): pass --url");
    }
    std::string host = listen.host;
    if (host.empty() || host == "0.0.0.0" || host == "::") host = "127.0.0.1";
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    base = "http://" + host + ":" + std::to_string(listen.port);
  }
  while (!base.empty() && base.back() == '/') base.pop_back();
  Poco::URI uri;
  try {
    uri = Poco::URI(base + "/webhooks/" + shop.platform + "/" + shop.name);
  } catch (const Poco::Exception&) {
    return core::Status::invalidArgument("--url is not a valid URL");
  }
  const std::string& scheme = uri.getScheme();
  if ((scheme != "http" && scheme != "https") || uri.getHost().empty()) {
    return core::Status::invalidArgument("--url must be http://host[:port][/path] or https://...");
  }
  // The payloads hold customers' personal data: plain http only to this machine.
  if (scheme == "http" && !core::net::isLoopbackHost(uri.getHost())) {
    return core::Status::invalidArgument(
        "plain http:// only to a loopback address; use https:// for a remote daemon");
  }
  return uri;
}

// The headers the platform would send with `body` (shared/fixtures/*/SOURCES.md).
Headers platformHeaders(const config::ShopConfig& shop, core::model::Platform platform,
                        const std::string& topic, const std::string& delivery_id,
                        const std::string& body) {
  Headers h;
  h.emplace_back("Content-Type", "application/json");
  h.emplace_back("User-Agent", "cartrelay-replay/" + std::string(version()));
  if (platform == core::model::Platform::kShopify) {
    h.emplace_back("X-Shopify-Topic", topic);
    h.emplace_back("X-Shopify-Hmac-Sha256",
                   connectors::shopify::computeWebhookHmac(shop.webhook_secret, body));
    h.emplace_back("X-Shopify-Shop-Domain", shop.shop_domain);
    h.emplace_back("X-Shopify-API-Version", shop.api_version);
    // Event-Id is what deduplicates (it is shared by retries of one action);
    // Webhook-Id names one delivery attempt.
    h.emplace_back("X-Shopify-Webhook-Id", delivery_id);
    h.emplace_back("X-Shopify-Event-Id", delivery_id);
    h.emplace_back("X-Shopify-Triggered-At", core::formatIso8601(core::SystemClock().nowMillis()));
  } else {
    std::string_view t = topic;
    std::size_t dot = t.find('.');
    std::string source = shop.base_url;
    if (source.empty() || source.back() != '/') source += '/';
    h.emplace_back("X-WC-Webhook-Source", source);
    h.emplace_back("X-WC-Webhook-Topic", topic);
    h.emplace_back("X-WC-Webhook-Resource", std::string(t.substr(0, dot)));
    h.emplace_back("X-WC-Webhook-Event",
                   dot == std::string_view::npos ? std::string() : std::string(t.substr(dot + 1)));
    h.emplace_back(std::string(connectors::woocommerce::kSignatureHeader),
                   connectors::woocommerce::computeWebhookSignature(shop.webhook_secret, body));
    h.emplace_back("X-WC-Webhook-ID", "1");
    h.emplace_back("X-WC-Webhook-Delivery-ID", delivery_id);
  }
  return h;
}

struct Payload {
  std::string path;
  std::string body;
  std::string topic;
};

std::string oneLine(std::string text) {
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return text;
}

}  // namespace

std::optional<std::string> topicFromFileName(std::string_view path,
                                             core::model::Platform platform) {
  std::string_view name = path.substr(path.find_last_of('/') + 1);
  std::string_view stem = name.substr(0, name.find('.'));
  if (platform == core::model::Platform::kShopify) return splitOnVerb(stem, kShopifyVerbs, '/');
  return splitOnVerb(stem, kWooEvents, '.');
}

int replayCommand(const ReplayOptions& options) {
  if (options.shop.empty()) {
    printError(kCommand, "--shop NAME is required");
    return kExitUsage;
  }
  if (options.files.empty()) {
    printError(kCommand, "name at least one payload FILE");
    return kExitUsage;
  }
  if (!options.delivery_id.empty() && options.files.size() > 1) {
    printError(kCommand, "--delivery-id applies to a single FILE (the daemon deduplicates on it)");
    return kExitUsage;
  }
  auto config = loadOrReport(options.config_path);
  if (!config) return kExitUsage;
  const config::ShopConfig* shop = nullptr;
  for (const auto& s : config->shops) {
    if (s.name == options.shop) shop = &s;
  }
  if (shop == nullptr) {
    printError(kCommand, "no [shop." + options.shop + "] in " + options.config_path);
    return kExitUsage;
  }
  auto platform = core::model::parsePlatform(shop->platform);
  if (!platform) {
    printError(kCommand, "shop." + shop->name + ".platform: unsupported platform");
    return kExitUsage;
  }
  auto url = webhookUrl(options, *config, *shop);
  if (!url.isOk()) {
    printError(kCommand, url.status().message());
    return kExitUsage;
  }

  // Everything is checked before the first POST, so a typo in the last file
  // name never leaves a half-replayed batch.
  std::vector<Payload> payloads;
  for (const auto& path : options.files) {
    std::ifstream in(path, std::ios::binary);
    if (!in || std::filesystem::is_directory(path)) {
      printError(kCommand, path + ": cannot read the file");
      return kExitUsage;
    }
    Payload p{path, std::string(std::istreambuf_iterator<char>(in), {}), options.topic};
    if (p.topic.empty()) {
      auto topic = topicFromFileName(path, *platform);
      if (!topic) {
        printError(kCommand, path + ": cannot tell the " + shop->platform +
                                 " topic from the file name; pass --topic");
        return kExitUsage;
      }
      p.topic = *topic;
    }
    payloads.push_back(std::move(p));
  }

  core::net::FetchLimits limits;
  limits.connect_timeout_ms = 10'000;
  limits.total_timeout_ms = 30'000;
  limits.max_body_bytes = 1u << 20;  // the daemon answers with a short status text
  bool all_ok = true;
  for (const Payload& p : payloads) {
    std::string delivery_id = options.delivery_id.empty() ? freshUuid() : options.delivery_id;
    core::net::HttpRequest request;
    request.method = "POST";
    request.url = url->toString();
    request.headers = platformHeaders(*shop, *platform, p.topic, delivery_id, p.body);
    request.body = p.body;
    auto answer = core::net::fetch(request, limits);
    if (!answer.isOk()) {
      all_ok = false;
      std::cout << p.path << "  -  " << p.topic << "  " << delivery_id << std::endl;
      printError(kCommand, p.path + ": " + request.url + ": " + answer.status().message());
      continue;
    }
    std::cout << p.path << "  " << answer->status << "  " << p.topic << "  " << delivery_id
              << std::endl;
    if (answer->status < 200 || answer->status > 299) {
      all_ok = false;
      printError(kCommand, p.path + ": HTTP " + std::to_string(answer->status) + ": " +
                               oneLine(answer->body.substr(0, kShownAnswerBytes)));
    }
  }
  return all_ok ? kExitOk : kExitFailure;
}

}  // namespace cartrelay::app::cli
