// Shop webhooks through the real daemon on SQLite: signature, dedupe,
// ordering, mapping of every published fixture, and the normalised picture
// read back through the operator CLI.
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "connectors/shopify/signature.h"
#include "tests/e2e/daemon_harness.h"
#include "tests/e2e/webhook_client.h"
#include "tests/support/fixtures.h"

namespace cartrelay::testing {
namespace {

constexpr const char* kShopifySecret = "shpss_e2e_secret_current";
constexpr const char* kShopifyPrevious = "shpss_e2e_secret_previous";
constexpr const char* kWooSecret = "woo_e2e_secret";
constexpr const char* kCartToken = "cart-token-0123456789abcdef0123456789";

const std::string kShops =
    std::string("[shop.acme]\nplatform = shopify\n") +
    "shop_domain = acme.myshopify.com\nwebhook_secret = " + kShopifySecret +
    "\nwebhook_secret_previous = " + kShopifyPrevious +
    "\n[shop.woo]\nplatform = woocommerce\nbase_url = https://woo.example.com\n"
    "webhook_secret = " +
    kWooSecret + "\ncart_webhook_token = " + kCartToken + "\n";

class WebhookIntakeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.writeConfig(kShops, "", "max_body_bytes = 64KiB\n");
    std::string why;
    ASSERT_TRUE(h_.start(&why)) << why;
  }

  nlohmann::json inbox() { return cliJson(h_, {"inbox", "list"}); }
  nlohmann::json carts() { return cliJson(h_, {"carts", "list"}); }

  DaemonHarness h_;
};

// A Shopify checkout with the given timestamps and total, otherwise the
// published sample.
std::string checkout(const std::string& updated_at, const std::string& total) {
  nlohmann::json c = nlohmann::json::parse(readFixture("shopify/checkouts_create.json"));
  c["updated_at"] = updated_at;
  c["total_price"] = total;
  return c.dump();
}

TEST_F(WebhookIntakeTest, EveryShopifyFixtureIsStoredAndMapped) {
  const std::vector<std::pair<std::string, std::string>> fixtures = {
      {"checkouts_create.json", "checkouts/create"},
      {"checkouts_update.json", "checkouts/update"},
      {"orders_create.json", "orders/create"},
      {"hmac_vector_body_orders_create_legacy.json", "orders/create"},
      {"customers_create.json", "customers/create"},
      {"customers_update.json", "customers/update"},
      {"customers_email_marketing_consent_update.json", "customers_email_marketing_consent/update"},
      {"customers_marketing_consent_update.json", "customers_marketing_consent/update"},
      {"customers_whats_app_marketing_consent_update.json",
       "customers_whats_app_marketing_consent/update"},
      {"customers_data_request.json", "customers/data_request"},
      {"customers_redact.json", "customers/redact"},
      {"shop_redact.json", "shop/redact"},
      {"checkouts_delete.json", "checkouts/delete"},
      {"orders_delete.json", "orders/delete"},
      {"customers_delete.json", "customers/delete"},
  };
  int n = 0;
  for (const auto& [file, topic] : fixtures) {
    HttpResult r = postShopify(h_.port(), "acme", topic, readFixture("shopify/" + file),
                               kShopifySecret, "evt-" + std::to_string(++n));
    EXPECT_EQ(r.status, 200) << file << ": " << r.body;
    EXPECT_NE(r.body.find("accepted"), std::string::npos) << file << ": " << r.body;
  }
  ASSERT_TRUE(inboxSettles(h_));
  nlohmann::json events = inbox();
  ASSERT_EQ(events.size(), fixtures.size()) << events.dump(2);
  for (const auto& e : events) {
    EXPECT_TRUE(e["state"] == "done" || e["state"] == "duplicate") << e.dump();
    EXPECT_EQ(e["shop"], "acme");
  }
  // The sample checkout arrived, and checkouts/delete (same cart_token) deleted it.
  nlohmann::json cs = carts();
  ASSERT_EQ(cs.size(), 1u) << cs.dump(2);
  EXPECT_EQ(cs[0]["platform_cart_id"], "123123123");
  EXPECT_EQ(cs[0]["state"], "deleted");
  EXPECT_EQ(cs[0]["total_minor"], 42188);
}

TEST_F(WebhookIntakeTest, BadOrMissingSignatureIsRefusedAndNothingStored) {
  const std::string body = readFixture("shopify/orders_create.json");
  HttpResult wrong = postShopify(h_.port(), "acme", "orders/create", body, "not-the-secret", "e1");
  EXPECT_EQ(wrong.status, 401) << wrong.body;
  HttpResult missing = postShopify(h_.port(), "acme", "orders/create", body, kShopifySecret, "e2",
                                   {{"X-Shopify-Hmac-Sha256", ""}});
  EXPECT_EQ(missing.status, 401) << missing.body;
  std::string tampered = body;
  tampered[tampered.size() / 2] ^= 1;
  HttpResult bad_body = httpRequest(
      h_.port(), "POST", "/webhooks/shopify/acme", tampered,
      {{"X-Shopify-Topic", "orders/create"},
       {"X-Shopify-Hmac-Sha256", connectors::shopify::computeWebhookHmac(kShopifySecret, body)}});
  EXPECT_EQ(bad_body.status, 401);
  HttpResult woo = postWooCommerce(h_.port(), "woo", "order.created",
                                   readFixture("woocommerce/order_created.json"), "wrong", "d1");
  EXPECT_EQ(woo.status, 401);
  EXPECT_TRUE(inbox().empty()) << inbox().dump(2);
  EXPECT_NE(h_.process().output().find("webhook.rejected"), std::string::npos);
}

TEST_F(WebhookIntakeTest, RotationSecretAndUnprefixedHeadersAreAccepted) {
  const std::string body = readFixture("shopify/customers_create.json");
  HttpResult previous =
      postShopify(h_.port(), "acme", "customers/create", body, kShopifyPrevious, "rot-1");
  EXPECT_EQ(previous.status, 200) << previous.body;
  HttpResult unprefixed = httpRequest(
      h_.port(), "POST", "/webhooks/shopify/acme", body,
      {{"shopify-topic", "customers/update"},
       {"shopify-hmac-sha256", connectors::shopify::computeWebhookHmac(kShopifySecret, body)},
       {"shopify-webhook-id", "unprefixed-1"}});
  EXPECT_EQ(unprefixed.status, 200) << unprefixed.body;
  ASSERT_TRUE(inboxSettles(h_));
  EXPECT_EQ(inbox().size(), 2u);
}

TEST_F(WebhookIntakeTest, MalformedUnknownAndOversizedBodiesGetClearAnswers) {
  HttpResult malformed =
      postShopify(h_.port(), "acme", "orders/create", "{\"id\": 1,", kShopifySecret, "m1");
  EXPECT_EQ(malformed.status, 400) << malformed.body;
  HttpResult no_topic = postShopify(h_.port(), "acme", "", "{}", kShopifySecret, "m2");
  EXPECT_EQ(no_topic.status, 400) << no_topic.body;
  HttpResult unknown_topic =
      postShopify(h_.port(), "acme", "inventory_levels/update", "{}", kShopifySecret, "m3");
  EXPECT_EQ(unknown_topic.status, 200) << unknown_topic.body;
  EXPECT_NE(unknown_topic.body.find("ignored"), std::string::npos);
  HttpResult unknown_shop =
      postShopify(h_.port(), "nosuch", "orders/create", "{}", kShopifySecret, "m4");
  EXPECT_EQ(unknown_shop.status, 404);
  HttpResult huge =
      postShopify(h_.port(), "acme", "orders/create",
                  "{\"pad\":\"" + std::string(70 * 1024, 'x') + "\"}", kShopifySecret, "m5");
  EXPECT_EQ(huge.status, 413);
  EXPECT_TRUE(inbox().empty()) << inbox().dump(2);
  HttpResult metrics = httpRequest(h_.port(), "GET", "/metrics");
  EXPECT_NE(metrics.body.find("outcome=\"ignored_topic\""), std::string::npos);
}

TEST_F(WebhookIntakeTest, TheSameDeliveryTenTimesIsProcessedOnce) {
  const std::string body = readFixture("shopify/checkouts_create.json");
  int accepted = 0;
  int duplicates = 0;
  for (int i = 0; i < 10; ++i) {
    HttpResult r = postShopify(h_.port(), "acme", "checkouts/create", body, kShopifySecret, "same");
    ASSERT_EQ(r.status, 200) << r.body;
    if (r.body.find("accepted") != std::string::npos) ++accepted;
    if (r.body.find("duplicate") != std::string::npos) ++duplicates;
  }
  EXPECT_EQ(accepted, 1);
  EXPECT_EQ(duplicates, 9);
  ASSERT_TRUE(inboxSettles(h_));
  nlohmann::json events = inbox();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["state"], "done");
  EXPECT_EQ(carts().size(), 1u);
}

TEST_F(WebhookIntakeTest, LateAndOutOfOrderUpdatesLeaveTheNewestState) {
  // update (newest) before create, then a stale update after it.
  ASSERT_EQ(postShopify(h_.port(), "acme", "checkouts/update",
                        checkout("2026-11-22T10:05:00Z", "200.00"), kShopifySecret, "o1")
                .status,
            200);
  ASSERT_EQ(postShopify(h_.port(), "acme", "checkouts/create",
                        checkout("2026-11-22T10:00:00Z", "100.00"), kShopifySecret, "o2")
                .status,
            200);
  ASSERT_EQ(postShopify(h_.port(), "acme", "checkouts/update",
                        checkout("2026-11-22T10:01:00Z", "150.00"), kShopifySecret, "o3")
                .status,
            200);
  ASSERT_TRUE(inboxSettles(h_));
  nlohmann::json cs = carts();
  ASSERT_EQ(cs.size(), 1u);
  EXPECT_EQ(cs[0]["total_minor"], 20000);
  int duplicates = 0;
  for (const auto& e : inbox()) duplicates += e["state"] == "duplicate" ? 1 : 0;
  EXPECT_EQ(duplicates, 2) << inbox().dump(2);
}

TEST_F(WebhookIntakeTest, AnOrderCompletesItsCheckout) {
  nlohmann::json order = nlohmann::json::parse(readFixture("shopify/orders_create.json"));
  order["checkout_token"] = "123123123";
  ASSERT_EQ(postShopify(h_.port(), "acme", "checkouts/create",
                        readFixture("shopify/checkouts_create.json"), kShopifySecret, "c1")
                .status,
            200);
  ASSERT_EQ(
      postShopify(h_.port(), "acme", "orders/create", order.dump(), kShopifySecret, "c2").status,
      200);
  // A late checkout update must not reopen the bought cart.
  ASSERT_EQ(postShopify(h_.port(), "acme", "checkouts/update",
                        checkout("2030-01-01T00:00:00Z", "421.88"), kShopifySecret, "c3")
                .status,
            200);
  ASSERT_TRUE(inboxSettles(h_));
  nlohmann::json cs = carts();
  ASSERT_EQ(cs.size(), 1u);
  EXPECT_EQ(cs[0]["state"], "completed");
  nlohmann::json orders = cliJson(h_, {"orders", "list"});
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0]["platform_order_id"], "820982911946154508");
  EXPECT_EQ(orders[0]["total_minor"], 40495);
}

TEST_F(WebhookIntakeTest, TurkishPhonesNamesAndAmountsSurviveExactly) {
  nlohmann::json c = nlohmann::json::parse(readFixture("shopify/checkouts_create.json"));
  c["customer"] = nullptr;
  c["email"] = nullptr;
  c["phone"] = "0532 123 45 67";
  c["currency"] = "TRY";
  c["presentment_currency"] = "TRY";
  c["total_price"] = "1299.90";
  c["billing_address"]["first_name"] = "Ayşe";
  c["billing_address"]["last_name"] = "Yılmaz";
  c["billing_address"]["city"] = "İstanbul";
  c["billing_address"]["country_code"] = "TR";
  c["billing_address"]["phone"] = "+90 (532) 123 45 67";
  c["shipping_address"] = c["billing_address"];
  ASSERT_EQ(
      postShopify(h_.port(), "acme", "checkouts/create", c.dump(), kShopifySecret, "tr1").status,
      200);
  ASSERT_TRUE(inboxSettles(h_));
  nlohmann::json cs = carts();
  ASSERT_EQ(cs.size(), 1u);
  EXPECT_EQ(cs[0]["total_minor"], 129990);
  EXPECT_EQ(cs[0]["currency"], "TRY");
  for (const std::string phone : {"+90 (532) 123 45 67", "0532 123 45 67", "0090 532 123 45 67"}) {
    nlohmann::json found = cliJson(h_, {"customers", "show", "--phone", phone});
    ASSERT_TRUE(found.is_array() && found.size() == 1u) << phone << ": " << found.dump(2);
    EXPECT_EQ(found[0]["phone"], "+905321234567");
    EXPECT_EQ(found[0]["first_name"], "Ayşe");
    EXPECT_EQ(found[0]["last_name"], "Yılmaz");
    EXPECT_EQ(found[0]["address"]["city"], "İstanbul");
  }
  // Personal data never reaches the log.
  const std::string log = h_.process().output();
  EXPECT_EQ(log.find("5321234567"), std::string::npos);
  EXPECT_EQ(log.find("Yılmaz"), std::string::npos);
}

TEST_F(WebhookIntakeTest, WooCommerceOrdersPingAndCartPlugins) {
  HttpResult ping = httpRequest(h_.port(), "POST", "/webhooks/woocommerce/woo", "webhook_id=7",
                                {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(ping.status, 200) << ping.body;
  EXPECT_EQ(postWooCommerce(h_.port(), "woo", "order.created",
                            readFixture("woocommerce/order_created.json"), kWooSecret, "d1")
                .status,
            200);
  EXPECT_EQ(postWooCommerce(h_.port(), "woo", "customer.created",
                            readFixture("woocommerce/customer_created.json"), kWooSecret, "d2")
                .status,
            200);
  const std::string form =
      "first_name=Ay%C5%9Fe&last_name=Y%C4%B1lmaz&phone_number=0532+123+45+67&email=ayse%40example."
      "com&checkout_url=https%3A%2F%2Fwoo.example.com%2Fcheckout%2F%3Fwcf_ac_token%3Dabc&product_"
      "names=Kazak&order_status=abandoned&cart_total=1299.90";
  HttpResult wrong_token = httpRequest(h_.port(), "POST", "/webhooks/cart/woo/not-the-token", form,
                                       {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(wrong_token.status, 401);
  HttpResult cart = httpRequest(h_.port(), "POST", std::string("/webhooks/cart/woo/") + kCartToken,
                                form, {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(cart.status, 200) << cart.body;
  ASSERT_TRUE(inboxSettles(h_));
  nlohmann::json events = inbox();
  ASSERT_EQ(events.size(), 3u) << events.dump(2);
  for (const auto& e : events) EXPECT_EQ(e["state"], "done") << e.dump();
  bool cartflows = false;
  for (const auto& c : carts()) {
    if (c["platform_cart_id"].get<std::string>().rfind("cartflows-", 0) == 0) {
      cartflows = true;
      EXPECT_EQ(c["total_minor"], 129990);
      EXPECT_EQ(c["state"], "open");
    }
  }
  EXPECT_TRUE(cartflows) << carts().dump(2);
}

}  // namespace
}  // namespace cartrelay::testing
