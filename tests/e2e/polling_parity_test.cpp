// "With webhooks switched off, polling alone brings the store to the same
// state as webhooks would": one daemon is fed the published payloads as
// webhooks, another (no webhooks at all) polls a fake shop API serving the
// same objects; the normalised pictures, read through the CLI, must match.
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/util/clock.h"
#include "tests/e2e/daemon_harness.h"
#include "tests/e2e/webhook_client.h"
#include "tests/support/fake_shopify.h"
#include "tests/support/fake_woocommerce.h"
#include "tests/support/fixtures.h"

namespace cartrelay::testing {
namespace {

constexpr const char* kSecret = "parity_webhook_secret";
constexpr const char* kAdminToken = "admin-token-0123456789abcdef0123456789";

// "YYYY-MM-DDTHH:MM:SSZ", `days` ago: inside the default 90-day backfill.
std::string daysAgo(int days) {
  std::string t = core::formatIso8601(core::SystemClock().nowMillis() - days * 86'400'000LL);
  return t.substr(0, 19) + "Z";
}

nlohmann::json itemsOf(const nlohmann::json& row) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& i : row["items"]) {
    items.push_back(
        {i["product_id"], i["variant_id"], i["title"], i["quantity"], i["unit_price_minor"]});
  }
  return items;
}

// What must agree between the two paths. Not times: webhooks carry the
// payload's own, the fake rewrites them. Not a checkout's cart_token: the
// Admin GraphQL AbandonedCheckout has no such field, so polled carts are
// linked to their orders by checkout token alone (which Shopify sets on every
// order placed from a checkout).
std::multiset<std::string> cartsPicture(const DaemonHarness& d) {
  std::multiset<std::string> out;
  for (const auto& c : cliJson(d, {"carts", "list"})) {
    out.insert(nlohmann::json{c["platform_cart_id"], c["total_minor"], c["currency"], c["state"],
                              c["contact_captured"], itemsOf(c)}
                   .dump());
  }
  return out;
}

std::multiset<std::string> ordersPicture(const DaemonHarness& d) {
  std::multiset<std::string> out;
  for (const auto& o : cliJson(d, {"orders", "list"})) {
    out.insert(nlohmann::json{o["platform_order_id"], o["name"], o["total_minor"], o["currency"],
                              o["financial_status"], o["fulfillment_status"], o["checkout_token"],
                              o["cart_token"], itemsOf(o)}
                   .dump());
  }
  return out;
}

// Everyone with that e-mail. A guest's id is a keyed hash under the
// daemon's own lookup key, so only "guest" is compared.
std::multiset<std::string> customerPicture(const DaemonHarness& d, const std::string& email) {
  std::multiset<std::string> out;
  for (const auto& c : cliJson(d, {"customers", "show", "--email", email})) {
    std::string id = c["platform_customer_id"];
    if (id.rfind("guest:", 0) == 0) id = "guest";
    out.insert(nlohmann::json{id, c["phone"], c["phone_valid"], c["email"], c["first_name"],
                              c["last_name"], c["address"]["city"], c["address"]["country_code"]}
                   .dump());
  }
  return out;
}

bool settledWith(const DaemonHarness& d, std::size_t carts, std::size_t orders) {
  return eventually(
      [&] {
        nlohmann::json pending = cliJson(d, {"inbox", "list", "--state", "received"});
        return pending.is_array() && pending.empty() &&
               cliJson(d, {"carts", "list"}).size() >= carts &&
               cliJson(d, {"orders", "list"}).size() >= orders;
      },
      std::chrono::seconds(60));
}

TEST(PollingParity, ShopifyPollingMatchesWebhooks) {
  FakeShopify fake;
  // A real order placed from a checkout carries that checkout's token; the
  // published samples are unrelated, so tie the REST order to the REST checkout.
  const nlohmann::json rest_checkout =
      nlohmann::json::parse(readFixture("shopify/rest_2025-07_get_checkouts.json"))["checkouts"][0];
  nlohmann::json rest_order =
      nlohmann::json::parse(readFixture("shopify/rest_2025-07_get_order.json"))["order"];
  rest_order["checkout_token"] = rest_checkout["token"];
  fake.upsertNode("orders", FakeShopify::orderNode(rest_order));
  fake.setAllUpdatedAt(daysAgo(1));

  DaemonHarness by_webhook;
  by_webhook.writeConfig(std::string("[shop.acme]\nplatform = shopify\n") +
                         "shop_domain = acme.myshopify.com\nwebhook_secret = " + kSecret + "\n");
  std::string why;
  ASSERT_TRUE(by_webhook.start(&why)) << why;
  const nlohmann::json rest_customer =
      nlohmann::json::parse(readFixture("shopify/rest_2025-07_get_customer.json"))["customer"];
  const std::vector<std::pair<std::string, std::string>> deliveries = {
      {"checkouts/create", readFixture("shopify/checkouts_create.json")},
      {"checkouts/update", rest_checkout.dump()},
      {"orders/create", readFixture("shopify/orders_create.json")},
      {"orders/updated", rest_order.dump()},
      {"customers/create", readFixture("shopify/customers_create.json")},
      {"customers/update", rest_customer.dump()},
  };
  int n = 0;
  for (const auto& [topic, body] : deliveries) {
    HttpResult r =
        postShopify(by_webhook.port(), "acme", topic, body, kSecret, "p" + std::to_string(++n));
    ASSERT_EQ(r.status, 200) << topic << ": " << r.body;
  }

  DaemonHarness by_polling;
  by_polling.writeConfig(std::string("[shop.acme]\nplatform = shopify\n") +
                             "shop_domain = acme.myshopify.com\nwebhook_secret = " + kSecret +
                             "\nadmin_api_url = " + fake.baseUrl() +
                             "\napi_token = " + FakeShopify::kToken + "\npoll_interval = 5s\n",
                         "", std::string("admin_token = ") + kAdminToken + "\n");
  ASSERT_TRUE(by_polling.start(&why)) << why;

  ASSERT_TRUE(settledWith(by_webhook, 2, 2)) << cliJson(by_webhook, {"inbox", "list"}).dump(2);
  ASSERT_TRUE(settledWith(by_polling, 2, 2))
      << cliJson(by_polling, {"inbox", "list"}).dump(2) << by_polling.process().output();
  for (const auto& e : cliJson(by_polling, {"inbox", "list"})) {
    EXPECT_NE(e["state"], "quarantined") << e.dump();
  }
  // The admin API reports the shop's polling health; without the token, 401.
  EXPECT_EQ(httpRequest(by_polling.port(), "GET", "/api/v1/shops").status, 401);
  HttpResult shops = httpRequest(by_polling.port(), "GET", "/api/v1/shops", "",
                                 {{"Authorization", std::string("Bearer ") + kAdminToken}});
  ASSERT_EQ(shops.status, 200) << shops.body;
  nlohmann::json status = nlohmann::json::parse(shops.body)["shops"][0];
  EXPECT_EQ(status["shop"], "acme");
  EXPECT_TRUE(status["enabled"].get<bool>());
  EXPECT_FALSE(status["last_success_ms"].is_null()) << status.dump();
  EXPECT_EQ(cartsPicture(by_polling), cartsPicture(by_webhook));
  EXPECT_EQ(ordersPicture(by_polling), ordersPicture(by_webhook));
  nlohmann::json carts = cliJson(by_polling, {"carts", "list"});
  EXPECT_EQ(carts.size(), 2u);
  for (const auto& c : carts) {
    if (c["platform_cart_id"] == rest_checkout["token"]) {
      EXPECT_EQ(c["state"], "completed");
    }
  }
  for (const std::string& email :
       {rest_customer["email"].get<std::string>(),
        nlohmann::json::parse(readFixture("shopify/customers_create.json"))["email"]
            .get<std::string>()}) {
    EXPECT_EQ(customerPicture(by_polling, email), customerPicture(by_webhook, email)) << email;
  }
}

TEST(PollingParity, WooCommercePollingMatchesWebhooks) {
  FakeWooCommerce fake;
  fake.setAllModified(daysAgo(1).substr(0, 19));

  DaemonHarness by_webhook;
  by_webhook.writeConfig(std::string("[shop.woo]\nplatform = woocommerce\n") +
                         "base_url = https://woo.example.com\nwebhook_secret = " + kSecret + "\n");
  std::string why;
  ASSERT_TRUE(by_webhook.start(&why)) << why;
  int n = 0;
  for (const auto& order :
       nlohmann::json::parse(readFixture("woocommerce/rest_v3_orders_list.json"))) {
    HttpResult r = postWooCommerce(by_webhook.port(), "woo", "order.updated", order.dump(), kSecret,
                                   "w" + std::to_string(++n));
    ASSERT_EQ(r.status, 200) << r.body;
  }
  const nlohmann::json customer =
      nlohmann::json::parse(readFixture("woocommerce/rest_v3_customer_get.json"));
  ASSERT_EQ(
      postWooCommerce(by_webhook.port(), "woo", "customer.updated", customer.dump(), kSecret, "w-c")
          .status,
      200);

  DaemonHarness by_polling;
  by_polling.writeConfig(
      std::string("[shop.woo]\nplatform = woocommerce\n") + "base_url = " + fake.baseUrl() +
      "\nwebhook_secret = " + kSecret + "\nconsumer_key = " + FakeWooCommerce::kConsumerKey +
      "\nconsumer_secret = " + FakeWooCommerce::kConsumerSecret + "\npoll_interval = 5s\n");
  ASSERT_TRUE(by_polling.start(&why)) << why;

  ASSERT_TRUE(settledWith(by_webhook, 0, 2));
  ASSERT_TRUE(settledWith(by_polling, 0, 2)) << by_polling.process().output();
  EXPECT_EQ(cartsPicture(by_polling), cartsPicture(by_webhook));
  EXPECT_EQ(ordersPicture(by_polling), ordersPicture(by_webhook));
  EXPECT_EQ(customerPicture(by_polling, customer["email"]),
            customerPicture(by_webhook, customer["email"]));
}

}  // namespace
}  // namespace cartrelay::testing
