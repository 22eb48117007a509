#include "tests/e2e/webhook_client.h"

#include <chrono>
#include <sstream>

#include "connectors/shopify/signature.h"
#include "connectors/woocommerce/signature.h"
#include "tests/support/process.h"

namespace cartrelay::testing {

HttpResult postShopify(int port, const std::string& shop, const std::string& topic,
                       const std::string& body, const std::string& secret,
                       const std::string& event_id,
                       const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> headers = {
      {"Content-Type", "application/json"},
      {"X-Shopify-Topic", topic},
      {"X-Shopify-Hmac-Sha256", connectors::shopify::computeWebhookHmac(secret, body)},
      {"X-Shopify-Shop-Domain", shop + ".myshopify.com"},
      {"X-Shopify-API-Version", "2026-07"},
      {"X-Shopify-Webhook-Id", "wh-" + event_id},
      {"X-Shopify-Event-Id", event_id},
      {"X-Shopify-Triggered-At", "2026-11-22T10:00:00.000000Z"},
  };
  for (const auto& [name, value] : extra) headers[name] = value;
  return httpRequest(port, "POST", "/webhooks/shopify/" + shop, body, headers);
}

HttpResult postWooCommerce(int port, const std::string& shop, const std::string& topic,
                           const std::string& body, const std::string& secret,
                           const std::string& delivery_id) {
  const auto dot = topic.find('.');
  std::map<std::string, std::string> headers = {
      {"Content-Type", "application/json"},
      {"X-WC-Webhook-Source", "https://woo.example.com/"},
      {"X-WC-Webhook-Topic", topic},
      {"X-WC-Webhook-Resource", topic.substr(0, dot)},
      {"X-WC-Webhook-Event", dot == std::string::npos ? "" : topic.substr(dot + 1)},
      {"X-WC-Webhook-Signature", connectors::woocommerce::computeWebhookSignature(secret, body)},
      {"X-WC-Webhook-ID", "7"},
      {"X-WC-Webhook-Delivery-ID", delivery_id},
  };
  return httpRequest(port, "POST", "/webhooks/woocommerce/" + shop, body, headers);
}

nlohmann::json jsonOutput(const CommandResult& result) {
  std::istringstream lines(result.output);
  std::string line;
  std::string doc;
  bool in_doc = false;
  while (std::getline(lines, line)) {
    if (!in_doc && !line.empty() && (line[0] == '[' || line[0] == '{')) in_doc = true;
    if (in_doc) doc += line + "\n";
  }
  return nlohmann::json::parse(doc, nullptr, /*allow_exceptions=*/false);
}

nlohmann::json cliJson(const DaemonHarness& daemon, std::vector<std::string> args) {
  args.push_back("--json");
  return jsonOutput(daemon.cli(args));
}

bool inboxSettles(const DaemonHarness& daemon) {
  return eventually(
      [&] {
        nlohmann::json pending = cliJson(daemon, {"inbox", "list", "--state", "received"});
        return pending.is_array() && pending.empty();
      },
      // A bound, not a timing: generous, because under a loaded machine
      // (ctest -j, sanitizers) working off a burst takes a while.
      std::chrono::seconds(120));
}

}  // namespace cartrelay::testing
