#include "app/shop_pollers.h"

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <gtest/gtest.h>

#include "connectors/shopify/webhook_subscriptions.h"
#include "connectors/woocommerce/webhook_subscriptions.h"
#include "core/metrics/metrics.h"
#include "tests/support/fake_shopify.h"
#include "tests/support/fake_woocommerce.h"
#include "tests/support/manual_clock.h"
#include "tests/support/polling_store.h"

namespace cartrelay::app {
namespace {

using testing::FailureMode;
using testing::FakeShopify;
using testing::FakeWooCommerce;

constexpr core::EpochMillis kNow = 1'768'435'200'000;  // 2026-01-15T00:00:00Z
constexpr const char* kPublicUrl = "https://relay.example.com";

int closedPort() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  const int port = socket.address().port();
  socket.close();
  return port;
}

config::ShopConfig shopifyShop(const std::string& name, const std::string& admin_api_url) {
  config::ShopConfig shop;
  shop.name = name;
  shop.platform = "shopify";
  shop.shop_domain = name + ".myshopify.com";
  shop.admin_api_url = admin_api_url;
  shop.api_version = "2026-07";
  shop.api_token = FakeShopify::kToken;
  shop.webhook_secret = "shopify-secret";
  shop.poll_interval_ms = 20;
  shop.backfill_days = 30;
  return shop;
}

config::ShopConfig wooShop(const std::string& name, const std::string& base_url) {
  config::ShopConfig shop;
  shop.name = name;
  shop.platform = "woocommerce";
  shop.base_url = base_url;
  shop.consumer_key = FakeWooCommerce::kConsumerKey;
  shop.consumer_secret = FakeWooCommerce::kConsumerSecret;
  shop.webhook_secret = "woo-secret";
  shop.poll_interval_ms = 20;
  shop.backfill_days = 30;
  return shop;
}

class ShopPollersTest : public ::testing::Test {
 protected:
  ShopPollersTest() : clock_(kNow), store_(clock_), metrics_("test") {
    config_.daemon.public_url = kPublicUrl;
    shopify_.setAllUpdatedAt("2026-01-10T12:00:00Z");
    woo_.setAllModified("2026-01-10T12:00:00");
  }

  ShopPollersOptions fastOptions() {
    ShopPollersOptions options;
    options.http_limits.connect_timeout_ms = 2000;
    options.http_limits.total_timeout_ms = 2000;
    options.backoff = {10, 100, 2.0, 1000};
    options.random = [] { return 0.5; };
    options.min_poll_interval_ms = 1;
    return options;
  }

  std::unique_ptr<ShopPollers> make(ShopPollersOptions options) {
    return std::make_unique<ShopPollers>(config_, store_.db(), clock_, metrics_, store_.sink(),
                                         std::move(options));
  }

  static const ShopPollStatus* find(const std::vector<ShopPollStatus>& all,
                                    const std::string& shop) {
    for (const ShopPollStatus& s : all) {
      if (s.shop == shop) return &s;
    }
    return nullptr;
  }

  // Polls the snapshot until `condition` holds (bounded: ~20 s).
  bool eventually(ShopPollers& pollers,
                  const std::function<bool(const std::vector<ShopPollStatus>&)>& condition) {
    for (int i = 0; i < 2000; ++i) {
      if (condition(pollers.snapshot())) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  static bool succeeded(const std::vector<ShopPollStatus>& all, const std::string& shop,
                        int rounds = 1) {
    const ShopPollStatus* s = find(all, shop);
    return s != nullptr && s->last_success_ms.has_value() && s->rounds >= rounds;
  }

  testing::ManualClock clock_;
  testing::PollingStore store_;
  core::metrics::Metrics metrics_;
  FakeShopify shopify_;
  FakeWooCommerce woo_;
  config::AppConfig config_;
};

TEST_F(ShopPollersTest, PollsEveryShopIntoTheInboxAndRepairsSubscriptions) {
  config_.shops = {shopifyShop("acme", shopify_.baseUrl()), wooShop("corner", woo_.baseUrl())};
  auto pollers = make(fastOptions());
  pollers->start();
  ASSERT_TRUE(eventually(*pollers, [](const auto& all) {
    return succeeded(all, "acme", 2) && succeeded(all, "corner", 2);
  }));
  pollers->stop();

  std::set<std::string> sources;
  std::set<std::string> topics;
  for (const auto& event : store_.events()) {
    sources.insert(event.source);
    topics.insert(event.topic);
  }
  EXPECT_EQ(sources, (std::set<std::string>{"acme", "corner"}));
  EXPECT_TRUE(topics.count("graphql/order"));
  EXPECT_TRUE(topics.count("graphql/abandoned_checkout"));
  EXPECT_TRUE(topics.count("order.updated"));
  EXPECT_TRUE(topics.count("customer.updated"));

  // The first round created the missing subscriptions; later rounds find them.
  EXPECT_EQ(shopify_.subscriptions().size(), connectors::shopify::requiredWebhookTopics().size());
  for (const auto& s : shopify_.subscriptions())
    EXPECT_EQ(s.uri, "https://relay.example.com/webhooks/shopify/acme");
  EXPECT_EQ(woo_.webhooks().size(), connectors::woocommerce::requiredWebhookTopics().size());
  auto all = pollers->snapshot();
  for (const char* shop : {"acme", "corner"}) {
    const ShopPollStatus* s = find(all, shop);
    ASSERT_NE(s, nullptr);
    EXPECT_TRUE(s->enabled);
    EXPECT_EQ(s->state, "stopped");
    EXPECT_EQ(s->subscription_health, "ok") << shop << ": " << s->subscription_detail;
    EXPECT_EQ(s->consecutive_failures, 0);
    EXPECT_TRUE(s->last_error.empty());
    EXPECT_EQ(s->last_success_ms, kNow);
  }

  const std::string text = metrics_.render();
  EXPECT_NE(text.find("cartrelay_shop_subscription_healthy{shop=\"acme\"} 1"), std::string::npos);
  EXPECT_NE(text.find("cartrelay_shop_subscription_healthy{shop=\"corner\"} 1"), std::string::npos);
  EXPECT_NE(text.find("cartrelay_poll_last_success_timestamp_seconds{shop=\"acme\"} 1768435200"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("outcome=\"ok\",resource=\"orders\",shop=\"acme\""), std::string::npos)
      << text;
}

TEST_F(ShopPollersTest, UnreachableAndHangingShopsDoNotStallTheOthers) {
  FakeShopify hanging;
  hanging.server().setHangLimitMs(60'000);
  hanging.server().failNext(FailureMode::kHang, 1000);
  config_.shops = {
      shopifyShop("down", "http://127.0.0.1:" + std::to_string(closedPort())),
      shopifyShop("stuck", hanging.baseUrl()),
      wooShop("healthy", woo_.baseUrl()),
  };
  ShopPollersOptions options = fastOptions();
  options.http_limits.total_timeout_ms = 120'000;  // "stuck" holds its thread for long
  auto pollers = make(options);
  pollers->start();
  // "down" alternates between a short failing attempt and its backoff: keep
  // the snapshot that caught it backing off, and assert on that one.
  std::vector<ShopPollStatus> all;
  ASSERT_TRUE(eventually(*pollers, [&](const auto& snapshot) {
    const ShopPollStatus* down = find(snapshot, "down");
    if (!succeeded(snapshot, "healthy", 5) || down == nullptr || down->consecutive_failures < 3 ||
        down->state != "backing_off" || hanging.server().hangingNow() != 1) {
      return false;
    }
    all = snapshot;
    return true;
  }));
  const ShopPollStatus* down = find(all, "down");
  EXPECT_FALSE(down->last_success_ms.has_value());
  EXPECT_NE(down->last_error.find("UNAVAILABLE"), std::string::npos) << down->last_error;
  EXPECT_EQ(down->last_error.find(FakeShopify::kToken), std::string::npos);
  EXPECT_EQ(down->subscription_health, "unknown");
  EXPECT_EQ(down->state, "backing_off");
  const ShopPollStatus* stuck = find(all, "stuck");
  EXPECT_FALSE(stuck->last_success_ms.has_value());
  EXPECT_EQ(stuck->state, "polling");  // still inside its first request
  EXPECT_EQ(stuck->rounds, 0);

  // stop() does not wait for the hung request to end: the request is
  // cancelled on our side while the server is still hanging on it.
  pollers->stop();
  EXPECT_EQ(hanging.server().hangingNow(), 1);
  all = pollers->snapshot();
  stuck = find(all, "stuck");
  EXPECT_EQ(stuck->state, "stopped");
  EXPECT_EQ(stuck->rounds, 0);
  const std::string text = metrics_.render();
  EXPECT_NE(text.find("outcome=\"error\",resource=\"abandoned_checkouts\",shop=\"down\""),
            std::string::npos);
  EXPECT_NE(text.find("cartrelay_shop_subscription_healthy{shop=\"down\"} 0"), std::string::npos);
  hanging.server().releaseHangs();
}

TEST_F(ShopPollersTest, ServerErrorsBackOffThenRecover) {
  shopify_.server().failNext(FailureMode::kHttp500, 3);
  config_.shops = {shopifyShop("acme", shopify_.baseUrl())};
  auto pollers = make(fastOptions());
  pollers->start();
  int max_failures = 0;
  ASSERT_TRUE(eventually(*pollers, [&](const auto& all) {
    const ShopPollStatus* s = find(all, "acme");
    max_failures = std::max(max_failures, s->consecutive_failures);
    return s->last_success_ms.has_value();
  }));
  pollers->stop();
  auto all = pollers->snapshot();
  const ShopPollStatus* s = find(all, "acme");
  EXPECT_GE(s->rounds, 2);
  EXPECT_EQ(s->consecutive_failures, 0);
  EXPECT_TRUE(s->last_error.empty());
  // The failed rounds were counted as such.
  EXPECT_NE(metrics_.render().find("outcome=\"error\""), std::string::npos);
}

// Both connectors report rate-limit waits in the same field, so a resource
// read to the end after one counts as "throttled" on either platform.
TEST_F(ShopPollersTest, RateLimitedResourcesCountAsThrottledOnBothPlatforms) {
  shopify_.rateLimitNext(1, "0");  // the first call: abandoned checkouts
  woo_.rateLimitNext(1, "0");      // the first call: orders
  config_.shops = {shopifyShop("acme", shopify_.baseUrl()), wooShop("corner", woo_.baseUrl())};
  auto pollers = make(fastOptions());
  pollers->start();
  ASSERT_TRUE(eventually(*pollers, [](const auto& all) {
    return succeeded(all, "acme") && succeeded(all, "corner");
  }));
  pollers->stop();

  const std::string text = metrics_.render();
  EXPECT_NE(text.find("outcome=\"throttled\",resource=\"abandoned_checkouts\",shop=\"acme\""),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("outcome=\"throttled\",resource=\"orders\",shop=\"corner\""),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("outcome=\"ok\",resource=\"orders\",shop=\"acme\""), std::string::npos)
      << text;
}

TEST_F(ShopPollersTest, ShopsWithoutCredentialsAreReportedNotPolled) {
  config::ShopConfig bare = shopifyShop("bare", shopify_.baseUrl());
  bare.api_token.clear();
  config::ShopConfig woo_bare = wooShop("woo-bare", woo_.baseUrl());
  woo_bare.consumer_secret.clear();
  config_.shops = {bare, woo_bare};
  auto pollers = make(fastOptions());
  pollers->start();
  EXPECT_FALSE(pollers->pollNow("bare"));
  EXPECT_FALSE(pollers->pollNow("nonexistent"));
  pollers->stop();
  for (const ShopPollStatus& s : pollers->snapshot()) {
    EXPECT_FALSE(s.enabled);
    EXPECT_EQ(s.state, "disabled");
    EXPECT_NE(s.last_error.find("polling off"), std::string::npos);
    EXPECT_EQ(s.rounds, 0);
  }
  EXPECT_EQ(shopify_.server().requestCount(), 0u);
  EXPECT_EQ(woo_.server().requestCount(), 0u);
}

TEST_F(ShopPollersTest, PlainHttpRemoteShopIsRefusedWithAClearError) {
  config_.shops = {wooShop("remote", "http://shop.example.com")};
  auto pollers = make(fastOptions());
  pollers->start();
  ASSERT_TRUE(eventually(
      *pollers, [](const auto& all) { return find(all, "remote")->consecutive_failures >= 1; }));
  pollers->stop();
  const std::string error = pollers->snapshot()[0].last_error;
  EXPECT_NE(error.find("INVALID_ARGUMENT"), std::string::npos) << error;
  EXPECT_NE(error.find("https"), std::string::npos) << error;
  EXPECT_EQ(error.find(FakeWooCommerce::kConsumerSecret), std::string::npos);
}

TEST_F(ShopPollersTest, PollNowWakesALongInterval) {
  config::ShopConfig shop = wooShop("corner", woo_.baseUrl());
  shop.poll_interval_ms = 3'600'000;
  config_.shops = {shop};
  auto pollers = make(fastOptions());
  pollers->start();
  ASSERT_TRUE(eventually(*pollers, [](const auto& all) { return succeeded(all, "corner", 1); }));
  EXPECT_EQ(pollers->snapshot()[0].next_poll_ms, kNow + 3'600'000);
  EXPECT_TRUE(pollers->pollNow("corner"));
  ASSERT_TRUE(eventually(*pollers, [](const auto& all) { return succeeded(all, "corner", 2); }));
  pollers->stop();  // returns although the interval is an hour
  EXPECT_EQ(pollers->snapshot()[0].state, "stopped");
}

TEST_F(ShopPollersTest, StatusIsJson) {
  config::ShopConfig bare = wooShop("corner", woo_.baseUrl());
  bare.base_url.clear();
  config_.shops = {bare};
  auto pollers = make(fastOptions());
  const nlohmann::json json = toJson(pollers->snapshot());
  ASSERT_EQ(json.size(), 1u);
  EXPECT_EQ(json[0]["shop"], "corner");
  EXPECT_EQ(json[0]["platform"], "woocommerce");
  EXPECT_EQ(json[0]["enabled"], false);
  EXPECT_TRUE(json[0]["last_success_ms"].is_null());
  EXPECT_EQ(json[0]["subscription_health"], "unknown");
  EXPECT_EQ(json[0]["consecutive_failures"], 0);
  EXPECT_TRUE(json[0].contains("next_poll_ms"));
}

TEST_F(ShopPollersTest, RestartAfterStopResumesFromTheCursor) {
  config_.shops = {wooShop("corner", woo_.baseUrl())};
  auto pollers = make(fastOptions());
  pollers->start();
  ASSERT_TRUE(eventually(*pollers, [](const auto& all) { return succeeded(all, "corner", 1); }));
  pollers->stop();
  const std::size_t stored = store_.events().size();
  woo_.server().clearRequests();
  pollers->start();
  ASSERT_TRUE(eventually(*pollers, [](const auto& all) { return succeeded(all, "corner", 3); }));
  pollers->stop();
  EXPECT_EQ(store_.events().size(), stored);  // nothing new: duplicates only
  for (const auto& request : woo_.server().requests()) {
    if (request.path == "/wp-json/wc/v3/orders" && request.param("status") == "any") {
      EXPECT_EQ(request.param("modified_after"), "2026-01-10T11:59:00");  // cursor - overlap
    }
  }
}

}  // namespace
}  // namespace cartrelay::app
