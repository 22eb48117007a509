#include "connectors/woocommerce/poller.h"

#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "connectors/woocommerce/event_mapper.h"
#include "connectors/woocommerce/rest_client.h"
#include "connectors/woocommerce/webhook_subscriptions.h"
#include "tests/support/fake_woocommerce.h"
#include "tests/support/polling_store.h"

namespace cartrelay::connectors::woocommerce {
namespace {

using core::Status;
using core::model::InboxEvent;
using core::model::Platform;
using Json = nlohmann::json;
using testing::FailureMode;
using testing::FakeWooCommerce;
using testing::RecordedRequest;

constexpr const char* kInWindow = "2026-01-10T12:00:00";

class WooPollerTest : public testing::PollerTest<FakeWooCommerce> {
 protected:
  WooPollerTest() : PollerTest("woo", Platform::kWooCommerce) { fake_.setAllModified(kInWindow); }

  RestOptions rest(const std::string& base_url = "") {
    RestOptions options;
    options.base_url = base_url.empty() ? fake_.baseUrl() : base_url;
    options.consumer_key = FakeWooCommerce::kConsumerKey;
    options.consumer_secret = FakeWooCommerce::kConsumerSecret;
    return options;
  }

  std::unique_ptr<RestClient> client(const std::string& base_url = "") {
    return std::make_unique<RestClient>(rest(base_url), http_, clock_, recordingWait());
  }

  PollerOptions options(std::vector<PollResource> resources = {PollResource::kOrders}) {
    return pollerOptions<PollerOptions>(std::move(resources));
  }

  std::vector<RecordedRequest> requestsTo(const std::string& path) {
    std::vector<RecordedRequest> out;
    for (const RecordedRequest& r : fake_.server().requests()) {
      if (r.path == "/wp-json/wc/v3/" + path) out.push_back(r);
    }
    return out;
  }
};

TEST_F(WooPollerTest, BasicAuthAndTheDocumentedListParameters) {
  auto c = client();
  EXPECT_EQ(c->authorizationHeader(), "Basic Y2tfdGVzdF8wMTIzNDU2Nzg5OmNzX3Rlc3RfOTg3NjU0MzIxMA==");
  Poller poller(options({PollResource::kOrders, PollResource::kCheckoutDrafts}), *c, store_.db(),
                clock_, store_.sink());
  PollRound round = poller.pollOnce();
  ASSERT_TRUE(round.ok()) << round.firstError().toString();

  auto requests = requestsTo("orders");
  ASSERT_EQ(requests.size(), 2u);
  for (const RecordedRequest& r : requests) {
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.header("authorization"), c->authorizationHeader());
    EXPECT_EQ(r.param("modified_after"), "2025-12-16T00:00:00");  // 30-day backfill
    EXPECT_EQ(r.param("dates_are_gmt"), "true");
    EXPECT_EQ(r.param("per_page"), "100");
    EXPECT_EQ(r.param("page"), "1");
    EXPECT_EQ(r.param("orderby"), "id");
    EXPECT_EQ(r.param("order"), "asc");
    EXPECT_FALSE(r.param("consumer_secret")) << "credentials only in the header";
  }
  EXPECT_EQ(requests[0].param("status"), "any");
  EXPECT_EQ(requests[1].param("status"), "checkout-draft");
}

TEST_F(WooPollerTest, EveryOrderBecomesAnOrderUpdatedEvent) {
  auto c = client();
  Poller poller(options(), *c, store_.db(), clock_, store_.sink());
  ResourcePoll result = poller.poll(PollResource::kOrders);
  ASSERT_TRUE(result.status.isOk()) << result.status.toString();
  auto events = store_.eventsWithTopic("order.updated");
  ASSERT_EQ(events.size(), 2u);
  std::set<std::string> ids;
  for (const InboxEvent& e : events) {
    EXPECT_EQ(e.source, "woo");
    EXPECT_EQ(e.shop_id, shop_id_);
    EXPECT_EQ(e.platform, "woocommerce");
    EXPECT_EQ(e.headers_json, "{}");
    ids.insert(e.delivery_id);
    EXPECT_TRUE(Json::parse(e.body).contains("line_items"));
  }
  EXPECT_EQ(ids, (std::set<std::string>{"poll:order:723:2026-01-10T12:00:00",
                                        "poll:order:727:2026-01-10T12:00:00"}));
  EXPECT_EQ(store_.cursor(shop_id_, "orders"), "2026-01-10T12:00:00");
}

TEST_F(WooPollerTest, FollowsXWpTotalPages) {
  fake_.addSyntheticOrders(250, "processing", "2026-01-11T09:00:00");
  auto c = client();
  Poller poller(options(), *c, store_.db(), clock_, store_.sink());
  ResourcePoll result = poller.poll(PollResource::kOrders);
  ASSERT_TRUE(result.status.isOk()) << result.status.toString();
  EXPECT_EQ(result.pages, 3);
  EXPECT_EQ(result.events, 252);
  auto requests = requestsTo("orders");
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].param("page"), "1");
  EXPECT_EQ(requests[1].param("page"), "2");
  EXPECT_EQ(requests[2].param("page"), "3");
  EXPECT_EQ(store_.eventsWithTopic("order.updated").size(), 252u);
  EXPECT_EQ(store_.cursor(shop_id_, "orders"), "2026-01-11T09:00:00");
}

TEST_F(WooPollerTest, FirstStartOnlyBackfillsTheWindow) {
  fake_.setAllModified("2025-10-01T00:00:00");  // before the 30-day window
  Json recent = fake_.objects("orders").front();
  recent["date_modified_gmt"] = "2025-12-30T08:00:00";
  fake_.upsert("orders", recent);
  auto c = client();
  Poller poller(options(), *c, store_.db(), clock_, store_.sink());
  ResourcePoll result = poller.poll(PollResource::kOrders);
  ASSERT_TRUE(result.status.isOk());
  EXPECT_EQ(result.events, 1);
  EXPECT_EQ(store_.cursor(shop_id_, "orders"), "2025-12-30T08:00:00");
}

TEST_F(WooPollerTest, CursorPersistsAcrossANewPollerOnTheSameDatabase) {
  {
    auto c = client();
    Poller poller(options(), *c, store_.db(), clock_, store_.sink());
    ASSERT_TRUE(poller.poll(PollResource::kOrders).status.isOk());
  }
  store_.reopen();
  fake_.server().clearRequests();
  clock_.advance(86'400'000);

  auto c = client();
  Poller poller(options(), *c, store_.db(), clock_, store_.sink());
  ResourcePoll again = poller.poll(PollResource::kOrders);
  ASSERT_TRUE(again.status.isOk());
  auto requests = requestsTo("orders");
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].param("modified_after"), "2026-01-10T11:59:00");  // cursor - overlap
  EXPECT_EQ(again.events, 2);
  EXPECT_EQ(again.duplicates, 2);
  EXPECT_EQ(store_.events().size(), 2u);

  Json changed = fake_.objects("orders").front();
  changed["status"] = "refunded";
  changed["date_modified_gmt"] = "2026-01-15T10:00:00";
  fake_.upsert("orders", changed);
  ResourcePoll third = poller.poll(PollResource::kOrders);
  ASSERT_TRUE(third.status.isOk());
  EXPECT_EQ(store_.events().size(), 3u);
  EXPECT_EQ(store_.cursor(shop_id_, "orders"), "2026-01-15T10:00:00");
}

TEST_F(WooPollerTest, CheckoutDraftsArePolledSeparately) {
  Json draft = fake_.objects("orders").front();
  draft["id"] = 900;
  draft["status"] = "checkout-draft";
  fake_.upsert("orders", draft);
  auto c = client();
  Poller poller(options({PollResource::kOrders, PollResource::kCheckoutDrafts}), *c, store_.db(),
                clock_, store_.sink());
  PollRound round = poller.pollOnce();
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(round.resources[0].events, 2);  // status=any leaves the draft out
  EXPECT_EQ(round.resources[1].events, 1);
  std::set<std::string> ids;
  for (const InboxEvent& e : store_.eventsWithTopic("order.updated")) ids.insert(e.delivery_id);
  EXPECT_EQ(ids.count("poll:order:900:2026-01-10T12:00:00"), 1u);
  EXPECT_TRUE(store_.cursor(shop_id_, "checkout_drafts"));

  // Seen by both queries (a shop whose "any" includes drafts): one event.
  fake_.setAnyIncludesDrafts(true);
  draft["date_modified_gmt"] = "2026-01-12T00:00:00";
  fake_.upsert("orders", draft);
  ASSERT_TRUE(poller.pollOnce().ok());
  int copies = 0;
  for (const InboxEvent& e : store_.eventsWithTopic("order.updated"))
    copies += e.delivery_id == "poll:order:900:2026-01-12T00:00:00";
  EXPECT_EQ(copies, 1);
}

TEST_F(WooPollerTest, ShopWithoutCheckoutDraftStatusSkipsThatResource) {
  fake_.rejectCheckoutDraftStatus(true);
  auto c = client();
  Poller poller(options({PollResource::kOrders, PollResource::kCheckoutDrafts}), *c, store_.db(),
                clock_, store_.sink());
  PollRound round = poller.pollOnce();
  EXPECT_TRUE(round.ok()) << round.firstError().toString();
  EXPECT_NE(round.resources[1].note.find("checkout-draft"), std::string::npos);
  fake_.server().clearRequests();
  ASSERT_TRUE(poller.pollOnce().ok());
  EXPECT_EQ(requestsTo("orders").size(), 1u);  // drafts no longer asked for
}

TEST_F(WooPollerTest, CustomersAreWalkedNewestFirstUntilTheCursor) {
  auto c = client();
  Poller poller(options({PollResource::kCustomers}), *c, store_.db(), clock_, store_.sink());
  ResourcePoll first = poller.poll(PollResource::kCustomers);
  ASSERT_TRUE(first.status.isOk()) << first.status.toString();
  EXPECT_EQ(first.events, 1);
  auto requests = requestsTo("customers");
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].param("orderby"), "registered_date");
  EXPECT_EQ(requests[0].param("order"), "desc");
  EXPECT_EQ(store_.eventsWithTopic("customer.updated").size(), 1u);

  Json newer = fake_.objects("customers").front();
  newer["id"] = 26;
  newer["date_created_gmt"] = "2026-01-14T00:00:00";
  newer["date_modified_gmt"] = "2026-01-14T00:00:00";
  fake_.upsert("customers", newer);
  Json older = newer;
  older["id"] = 5;
  older["date_created_gmt"] = "2024-01-01T00:00:00";
  fake_.upsert("customers", older);
  ResourcePoll second = poller.poll(PollResource::kCustomers);
  ASSERT_TRUE(second.status.isOk());
  EXPECT_EQ(second.events - second.duplicates, 1);  // 26 only; 5 is older than the cursor
  EXPECT_EQ(store_.cursor(shop_id_, "customers"), "2026-01-14T00:00:00");
}

TEST_F(WooPollerTest, ProductsArePolled) {
  auto c = client();
  Poller poller(options({PollResource::kProducts}), *c, store_.db(), clock_, store_.sink());
  ResourcePoll result = poller.poll(PollResource::kProducts);
  ASSERT_TRUE(result.status.isOk());
  EXPECT_EQ(result.events, 4);
  EXPECT_EQ(store_.eventsWithTopic("product.updated").size(), 4u);
}

TEST_F(WooPollerTest, RateLimitWaitsRetryAfter) {
  fake_.rateLimitNext(1, "3");
  auto c = client();
  Poller poller(options(), *c, store_.db(), clock_, store_.sink());
  ResourcePoll result = poller.poll(PollResource::kOrders);
  ASSERT_TRUE(result.status.isOk()) << result.status.toString();
  EXPECT_EQ(waits_, (std::vector<std::int64_t>{3000}));
  EXPECT_EQ(result.rate_limit_waits, 1);
  EXPECT_EQ(result.events, 2);
}

TEST_F(WooPollerTest, FailuresLeaveTheCursorAlone) {
  auto c = client();
  Poller poller(options(), *c, store_.db(), clock_, store_.sink());
  fake_.server().failNext(FailureMode::kHttp500);
  ResourcePoll failed = poller.poll(PollResource::kOrders);
  EXPECT_EQ(failed.status.code(), Status::Code::kUnavailable);
  EXPECT_FALSE(store_.cursor(shop_id_, "orders"));

  fake_.server().failNext(FailureMode::kHang);
  EXPECT_EQ(poller.poll(PollResource::kOrders).status.code(), Status::Code::kUnavailable);
  fake_.server().releaseHangs();

  // A page half-accepted by the sink moves nothing either.
  store_.failAfter(1);
  EXPECT_EQ(poller.poll(PollResource::kOrders).status.code(), Status::Code::kUnavailable);
  EXPECT_FALSE(store_.cursor(shop_id_, "orders"));

  store_.failAfter(-1);
  EXPECT_TRUE(poller.poll(PollResource::kOrders).status.isOk());
  EXPECT_TRUE(store_.cursor(shop_id_, "orders"));
}

TEST_F(WooPollerTest, WrongKeysAreUnauthenticatedWithoutLeakingThem) {
  RestOptions options = rest();
  options.consumer_secret = "cs_wrong_secret";
  RestClient c(options, http_, clock_, nullptr);
  auto answer = c.get("orders", {});
  ASSERT_FALSE(answer.isOk());
  EXPECT_EQ(answer.status().code(), Status::Code::kUnauthenticated);
  EXPECT_EQ(answer.status().message().find("cs_wrong_secret"), std::string::npos);
}

TEST_F(WooPollerTest, PlainHttpToARemoteShopIsRefused) {
  auto c = client("http://shop.example.com");
  EXPECT_EQ(c->validate().code(), Status::Code::kInvalidArgument);
  Poller poller(options(), *c, store_.db(), clock_, store_.sink());
  ResourcePoll result = poller.poll(PollResource::kOrders);
  EXPECT_EQ(result.status.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(result.status.message().find("https"), std::string::npos);
  EXPECT_EQ(fake_.server().requestCount(), 0u);
  EXPECT_TRUE(client("https://shop.example.com")->validate().isOk());
  EXPECT_TRUE(client("http://localhost:8080")->validate().isOk());
}

TEST_F(WooPollerTest, PolledObjectsMapThroughTheWooCommerceMapper) {
  Json draft = fake_.objects("orders").front();
  draft["id"] = 901;
  draft["status"] = "checkout-draft";
  fake_.upsert("orders", draft);
  auto c = client();
  Poller poller(options({PollResource::kOrders, PollResource::kCheckoutDrafts,
                         PollResource::kCustomers, PollResource::kProducts}),
                *c, store_.db(), clock_, store_.sink());
  ASSERT_TRUE(poller.pollOnce().ok());
  const WooCommerceEventMapper mapper;
  core::ports::MappingContext context;
  context.country = "US";
  context.currency = "USD";
  int orders = 0;
  int carts = 0;
  int customers = 0;
  int products = 0;
  for (const InboxEvent& event : store_.events()) {
    auto changes = mapper.map(event, context);
    ASSERT_TRUE(changes.isOk()) << event.delivery_id << ": " << changes.status().toString();
    orders += static_cast<int>(changes->orders.size());
    carts += static_cast<int>(changes->carts.size());
    customers += static_cast<int>(changes->customers.size());
    products += static_cast<int>(changes->products.size());
  }
  EXPECT_EQ(orders, 2);     // 727 processing, 723 completed
  EXPECT_EQ(carts, 1);      // the checkout draft is a cart
  EXPECT_GE(customers, 1);  // customer 25
  EXPECT_EQ(products, 4);
}

// --- Webhooks -------------------------------------------------------------------

class WooWebhookTest : public WooPollerTest {
 protected:
  static constexpr const char* kPublicUrl = "https://relay.example.com";
  std::string ours() { return deliveryUrl(kPublicUrl, "woo"); }
  void registerAll() {
    for (const std::string& topic : requiredWebhookTopics()) fake_.addWebhook(topic, ours());
  }
  Json hookFor(const std::string& topic) {
    for (const Json& hook : fake_.webhooks()) {
      if (hook["topic"] == topic && hook["delivery_url"] == ours()) return hook;
    }
    return Json();
  }
};

TEST_F(WooWebhookTest, AllActiveIsOk) {
  registerAll();
  fake_.addWebhook("order.created", "https://other.example.com/hook", "disabled");
  auto c = client();
  SubscriptionCheck check = checkWebhooks(*c, "woo", kPublicUrl, "s3cret");
  EXPECT_EQ(check.health, "ok");
  EXPECT_TRUE(check.healthy());
  EXPECT_EQ(ours(), "https://relay.example.com/webhooks/woocommerce/woo");
  for (const RecordedRequest& r : fake_.server().requests()) EXPECT_EQ(r.method, "GET");
}

TEST_F(WooWebhookTest, DisabledWebhookIsReEnabled) {
  registerAll();
  const std::int64_t id = hookFor("order.updated")["id"];
  fake_.setWebhookStatus(id, "disabled");
  fake_.setWebhookStatus(hookFor("customer.updated")["id"], "paused");
  auto c = client();
  SubscriptionCheck check = checkWebhooks(*c, "woo", kPublicUrl, "s3cret");
  EXPECT_EQ(check.health, "re-registered");
  EXPECT_EQ(check.reenabled, (std::vector<std::string>{"order.updated", "customer.updated"}));
  EXPECT_EQ(hookFor("order.updated")["status"], "active");
  EXPECT_EQ(hookFor("customer.updated")["status"], "active");
  bool put_seen = false;
  for (const RecordedRequest& r : fake_.server().requests()) {
    if (r.method != "PUT") continue;
    EXPECT_EQ(r.path, "/wp-json/wc/v3/webhooks/" + std::to_string(id));
    EXPECT_EQ(Json::parse(r.body), (Json{{"status", "active"}}));
    put_seen = true;
    break;
  }
  EXPECT_TRUE(put_seen);
  EXPECT_EQ(checkWebhooks(*c, "woo", kPublicUrl, "s3cret").health, "ok");
}

TEST_F(WooWebhookTest, MissingWebhookIsCreatedWithTheShopSecret) {
  auto c = client();
  SubscriptionCheck check = checkWebhooks(*c, "woo", kPublicUrl, "s3cret");
  EXPECT_EQ(check.health, "re-registered");
  EXPECT_EQ(check.created, requiredWebhookTopics());
  const Json hook = hookFor("order.created");
  ASSERT_TRUE(hook.is_object());
  EXPECT_EQ(hook["secret"], "s3cret");
  EXPECT_EQ(hook["status"], "active");
  EXPECT_EQ(checkWebhooks(*c, "woo", kPublicUrl, "s3cret").health, "ok");
}

TEST_F(WooWebhookTest, CannotCreateWithoutPublicUrlOrSecret) {
  auto c = client();
  SubscriptionCheck no_url = checkWebhooks(*c, "woo", "", "s3cret");
  EXPECT_EQ(no_url.health, "missing");
  EXPECT_NE(no_url.detail.find("public_url"), std::string::npos);
  SubscriptionCheck no_secret = checkWebhooks(*c, "woo", kPublicUrl, "");
  EXPECT_EQ(no_secret.health, "missing");
  EXPECT_NE(no_secret.detail.find("webhook_secret"), std::string::npos);
  EXPECT_TRUE(fake_.webhooks().empty());
}

TEST_F(WooWebhookTest, WithoutPublicUrlOurHooksAreRecognisedByPath) {
  registerAll();
  fake_.setWebhookStatus(hookFor("order.deleted")["id"], "disabled");
  auto c = client();
  SubscriptionCheck check = checkWebhooks(*c, "woo", "", "");
  EXPECT_EQ(check.health, "re-registered");  // re-enabling needs no URL
  EXPECT_EQ(check.reenabled, (std::vector<std::string>{"order.deleted"}));
}

TEST_F(WooWebhookTest, ListingFailureIsUnknown) {
  fake_.server().failNext(FailureMode::kHttp500);
  auto c = client();
  SubscriptionCheck check = checkWebhooks(*c, "woo", kPublicUrl, "s3cret");
  EXPECT_EQ(check.health, "unknown");
  EXPECT_FALSE(check.healthy());
}

}  // namespace
}  // namespace cartrelay::connectors::woocommerce
