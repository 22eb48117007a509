#include "connectors/shopify/poller.h"

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "connectors/shopify/admin_graphql_client.h"
#include "connectors/shopify/event_mapper.h"
#include "connectors/shopify/graphql_mapping.h"
#include "connectors/shopify/webhook_subscriptions.h"
#include "tests/support/fake_shopify.h"
#include "tests/support/fixtures.h"
#include "tests/support/log_capture.h"
#include "tests/support/polling_store.h"

namespace cartrelay::connectors::shopify {
namespace {

using core::Status;
using core::model::InboxEvent;
using core::model::Platform;
using Json = nlohmann::json;
using testing::FailureMode;
using testing::FakeShopify;

constexpr const char* kInWindow = "2026-01-10T12:00:00Z";

class ShopifyPollerTest : public testing::PollerTest<FakeShopify> {
 protected:
  ShopifyPollerTest() : PollerTest("acme", Platform::kShopify) { fake_.setAllUpdatedAt(kInWindow); }

  AdminApiOptions api(const std::string& base_url = "") {
    AdminApiOptions options;
    options.base_url = base_url.empty() ? fake_.baseUrl() : base_url;
    options.api_version = "2026-07";
    options.access_token = FakeShopify::kToken;
    return options;
  }

  // A client whose waits are recorded and move the manual clock instead of
  // sleeping.
  std::unique_ptr<AdminGraphqlClient> client(const std::string& base_url = "") {
    return std::make_unique<AdminGraphqlClient>(api(base_url), http_, clock_, recordingWait());
  }

  PollerOptions options(std::vector<PollResource> resources = {PollResource::kOrders}) {
    return pollerOptions<PollerOptions>(std::move(resources));
  }

  // The search filters ("query" variable) the fake received, in order.
  std::vector<std::string> filters() {
    std::vector<std::string> out;
    for (const Json& call : fake_.graphqlCalls()) {
      const Json vars = call.value("variables", Json::object());
      if (vars.contains("query") && vars["query"].is_string()) out.push_back(vars["query"]);
    }
    return out;
  }
};

TEST_F(ShopifyPollerTest, PaginatesAndStoresEveryNodeAsAnInboxEvent) {
  fake_.addSyntheticOrders(23, "2026-01-11T08:00:00Z");  // + 2 fixture orders = 25 = 3 pages
  auto c = client();
  Poller poller(options(), *c, store_.db(), clock_, store_.sink());
  ResourcePoll result = poller.poll(PollResource::kOrders);
  ASSERT_TRUE(result.status.isOk()) << result.status.toString();
  EXPECT_EQ(result.pages, 3);
  EXPECT_EQ(result.events, 25);
  EXPECT_EQ(result.duplicates, 0);

  auto events = store_.eventsWithTopic("graphql/order");
  ASSERT_EQ(events.size(), 25u);
  std::set<std::string> ids;
  for (const InboxEvent& e : events) {
    EXPECT_EQ(e.source, "acme");
    EXPECT_EQ(e.shop_id, shop_id_);
    EXPECT_EQ(e.platform, "shopify");
    EXPECT_EQ(e.headers_json, "{}");
    EXPECT_EQ(e.delivery_id.rfind("poll:order:", 0), 0u) << e.delivery_id;
    ids.insert(e.delivery_id);
    const Json body = Json::parse(e.body);
    EXPECT_TRUE(body.contains("updatedAt"));
  }
  EXPECT_EQ(ids.size(), 25u);
  EXPECT_EQ(ids.count("poll:order:450789469:2026-01-10T12:00:00Z"), 1u);

  // Pages were chained with pageInfo.endCursor.
  auto calls = fake_.graphqlCalls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_TRUE(calls[0]["variables"]["after"].is_null());
  EXPECT_EQ(calls[1]["variables"]["after"], "cursor:10");
  EXPECT_EQ(calls[2]["variables"]["after"], "cursor:20");
  EXPECT_NE(calls[0]["query"].get<std::string>().find("sortKey: UPDATED_AT"), std::string::npos);

  // The cursor is the newest updatedAt seen.
  EXPECT_EQ(store_.cursor(shop_id_, "orders"), "2026-01-11T08:00:00Z");
  EXPECT_EQ(result.cursor, "2026-01-11T08:00:00Z");
}

TEST_F(ShopifyPollerTest, RequestsCarryTheTokenToTheVersionedEndpoint) {
  auto c = client();
  EXPECT_EQ(c->endpoint(), fake_.baseUrl() + "/admin/api/2026-07/graphql.json");
  Poller poller(options(), *c, store_.db(), clock_, store_.sink());
  ASSERT_TRUE(poller.poll(PollResource::kOrders).status.isOk());
  for (const auto& request : fake_.server().requests()) {
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.path, "/admin/api/2026-07/graphql.json");
    EXPECT_EQ(request.header("x-shopify-access-token"), FakeShopify::kToken);
    EXPECT_EQ(request.header("content-type"), "application/json");
  }
}

TEST_F(ShopifyPollerTest, WrongTokenIsUnauthenticated) {
  AdminApiOptions options = api();
  options.access_token = "shpat_wrong";
  AdminGraphqlClient c(options, http_, clock_, nullptr);
  auto data = c.execute("query { shop { name } }", Json::object());
  ASSERT_FALSE(data.isOk());
  EXPECT_EQ(data.status().code(), Status::Code::kUnauthenticated);
  EXPECT_EQ(data.status().message().find("shpat_wrong"), std::string::npos);
}

TEST_F(ShopifyPollerTest, FirstStartBackfillsTheConfiguredWindow) {
  fake_.setAllUpdatedAt("2025-11-01T00:00:00Z");  // outside a 30-day window
  Json recent = fake_.nodes("orders").front();
  recent["updatedAt"] = "2025-12-20T09:30:00Z";  // inside
  fake_.upsertNode("orders", recent);

  auto c = client();
  Poller poller(options(), *c, store_.db(), clock_, store_.sink());
  ResourcePoll result = poller.poll(PollResource::kOrders);
  ASSERT_TRUE(result.status.isOk()) << result.status.toString();
  ASSERT_EQ(filters().size(), 1u);
  EXPECT_EQ(filters()[0], "updated_at:>='2025-12-16T00:00:00Z'");  // now - 30 days
  EXPECT_EQ(result.events, 1);
  EXPECT_EQ(store_.cursor(shop_id_, "orders"), "2025-12-20T09:30:00Z");
}

TEST_F(ShopifyPollerTest, EmptyFirstPollRecordsTheBackfillStart) {
  fake_.setAllUpdatedAt("2025-01-01T00:00:00Z");
  auto c = client();
  Poller poller(options(), *c, store_.db(), clock_, store_.sink());
  ResourcePoll result = poller.poll(PollResource::kOrders);
  ASSERT_TRUE(result.status.isOk());
  EXPECT_EQ(result.events, 0);
  EXPECT_EQ(store_.cursor(shop_id_, "orders"), "2025-12-16T00:00:00Z");
}

TEST_F(ShopifyPollerTest, CursorPersistsAcrossANewPollerOnTheSameDatabase) {
  {
    auto c = client();
    Poller poller(options(), *c, store_.db(), clock_, store_.sink());
    ASSERT_TRUE(poller.poll(PollResource::kOrders).status.isOk());
  }
  EXPECT_EQ(store_.events().size(), 2u);
  store_.reopen();  // a restarted daemon
  clock_.advance(3'600'000);
  fake_.server().clearRequests();

  auto c = client();
  Poller poller(options(), *c, store_.db(), clock_, store_.sink());
  ResourcePoll again = poller.poll(PollResource::kOrders);
  ASSERT_TRUE(again.status.isOk()) << again.status.toString();
  // Resumes from the stored cursor minus the one-minute overlap, not from a backfill.
  ASSERT_EQ(filters().size(), 1u);
  EXPECT_EQ(filters()[0], "updated_at:>='2026-01-10T11:59:00Z'");
  EXPECT_EQ(again.events, 2);
  EXPECT_EQ(again.duplicates, 2);  // same change, same delivery id: deduplicated
  EXPECT_EQ(store_.events().size(), 2u);

  // A change after the cursor is new.
  Json changed = fake_.nodes("orders").front();
  changed["updatedAt"] = "2026-01-14T10:00:00Z";
  changed["displayFinancialStatus"] = "REFUNDED";
  fake_.upsertNode("orders", changed);
  ResourcePoll third = poller.poll(PollResource::kOrders);
  ASSERT_TRUE(third.status.isOk());
  EXPECT_EQ(third.events - third.duplicates, 1);
  EXPECT_EQ(store_.events().size(), 3u);
  EXPECT_EQ(store_.cursor(shop_id_, "orders"), "2026-01-14T10:00:00Z");
}

TEST_F(ShopifyPollerTest, UnreadableCursorIsLoggedAndStartsOverWithTheBackfill) {
  store_.setCursor(shop_id_, "orders", "not a time");
  testing::LogCapture logs;
  auto c = client();
  Poller poller(options(), *c, store_.db(), clock_, store_.sink());
  ResourcePoll result = poller.poll(PollResource::kOrders);
  ASSERT_TRUE(result.status.isOk()) << result.status.toString();
  EXPECT_FALSE(logs.waitFor({"poll.cursor_unreadable", "shop=acme", "resource=orders"}).empty());
  ASSERT_EQ(filters().size(), 1u);
  EXPECT_EQ(filters()[0], "updated_at:>='2025-12-16T00:00:00Z'");  // now - 30 days
  EXPECT_TRUE(result.cursor_advanced);
  EXPECT_EQ(store_.cursor(shop_id_, "orders"), "2026-01-10T12:00:00Z");
}

TEST_F(ShopifyPollerTest, ThrottledAnswersWaitForTheBucketAndRetry) {
  fake_.setThrottleStatus(/*currently_available=*/1000, /*restore_rate=*/50,
                          /*requested_cost=*/100);
  fake_.throttleNext(2, /*available=*/10);
  auto c = client();
  Poller poller(options(), *c, store_.db(), clock_, store_.sink());
  ResourcePoll result = poller.poll(PollResource::kOrders);
  ASSERT_TRUE(result.status.isOk()) << result.status.toString();
  EXPECT_EQ(result.events, 2);
  EXPECT_EQ(result.rate_limit_waits, 2);
  // (100 requested - 10 available) / 50 per second = 1.8 s, twice.
  ASSERT_EQ(waits_.size(), 2u);
  EXPECT_EQ(waits_[0], 1800);
  EXPECT_EQ(waits_[1], 1800);
  EXPECT_EQ(fake_.server().requestCount(), 3u);
}

TEST_F(ShopifyPollerTest, LowBucketDelaysTheNextCallInsteadOfBeingThrottled) {
  fake_.addSyntheticOrders(15, kInWindow);  // two pages
  fake_.setThrottleStatus(/*currently_available=*/5, /*restore_rate=*/50,
                          /*requested_cost=*/100);
  auto c = client();
  Poller poller(options(), *c, store_.db(), clock_, store_.sink());
  ResourcePoll result = poller.poll(PollResource::kOrders);
  ASSERT_TRUE(result.status.isOk()) << result.status.toString();
  EXPECT_EQ(result.pages, 2);
  ASSERT_EQ(waits_.size(), 1u);
  EXPECT_EQ(waits_[0], 1900);  // (100 - 5) / 50 s before the second page
  ASSERT_TRUE(c->throttle().has_value());
  EXPECT_EQ(c->throttle()->restore_rate, 50);
}

TEST_F(ShopifyPollerTest, Http429WaitsRetryAfter) {
  fake_.rateLimitNext(1, "2");
  auto c = client();
  Poller poller(options(), *c, store_.db(), clock_, store_.sink());
  ResourcePoll result = poller.poll(PollResource::kOrders);
  ASSERT_TRUE(result.status.isOk()) << result.status.toString();
  ASSERT_EQ(waits_.size(), 1u);
  EXPECT_EQ(waits_[0], 2000);
  EXPECT_EQ(result.events, 2);
}

TEST_F(ShopifyPollerTest, PersistentThrottlingGivesUpAsUnavailable) {
  fake_.throttleNext(100, 0);
  auto c = client();
  Poller poller(options(), *c, store_.db(), clock_, store_.sink());
  ResourcePoll result = poller.poll(PollResource::kOrders);
  EXPECT_EQ(result.status.code(), Status::Code::kUnavailable);
  EXPECT_EQ(fake_.server().requestCount(), 6u);  // 1 + max_throttle_retries (5)
  EXPECT_FALSE(store_.cursor(shop_id_, "orders"));
}

TEST_F(ShopifyPollerTest, InterruptedWaitStopsAtOnce) {
  fake_.throttleNext(1, 0);
  AdminGraphqlClient c(api(), http_, clock_, [](std::int64_t) { return false; });
  Poller poller(options(), c, store_.db(), clock_, store_.sink());
  ResourcePoll result = poller.poll(PollResource::kOrders);
  EXPECT_EQ(result.status.code(), Status::Code::kUnavailable);
  EXPECT_EQ(fake_.server().requestCount(), 1u);
}

TEST_F(ShopifyPollerTest, ServerErrorsAndTimeoutsLeaveTheCursorAlone) {
  auto c = client();
  Poller poller(options(), *c, store_.db(), clock_, store_.sink());

  fake_.server().failNext(FailureMode::kHttp500);
  ResourcePoll failed = poller.poll(PollResource::kOrders);
  EXPECT_EQ(failed.status.code(), Status::Code::kUnavailable);
  EXPECT_NE(failed.status.message().find("HTTP 500"), std::string::npos);
  EXPECT_FALSE(store_.cursor(shop_id_, "orders"));

  fake_.server().setHangLimitMs(5000);
  fake_.server().failNext(FailureMode::kHang);
  ResourcePoll hung = poller.poll(PollResource::kOrders);
  EXPECT_EQ(hung.status.code(), Status::Code::kUnavailable);
  fake_.server().releaseHangs();

  fake_.server().failNext(FailureMode::kCloseConnection);
  ResourcePoll closed = poller.poll(PollResource::kOrders);
  EXPECT_EQ(closed.status.code(), Status::Code::kUnavailable);
  EXPECT_FALSE(store_.cursor(shop_id_, "orders"));

  ResourcePoll recovered = poller.poll(PollResource::kOrders);
  EXPECT_TRUE(recovered.status.isOk()) << recovered.status.toString();
  EXPECT_TRUE(store_.cursor(shop_id_, "orders"));
}

TEST_F(ShopifyPollerTest, CursorAdvancesOnlyPastPagesTheSinkAccepted) {
  fake_.addSyntheticOrders(10, "2026-01-12T00:00:00Z");  // page 1: fixtures + 8, page 2: 2
  store_.failAfter(11);  // page 1 (10 events) stored, page 2 fails on its second
  auto c = client();
  Poller poller(options(), *c, store_.db(), clock_, store_.sink());
  ResourcePoll result = poller.poll(PollResource::kOrders);
  EXPECT_EQ(result.status.code(), Status::Code::kUnavailable);
  EXPECT_EQ(result.pages, 2);
  // Page 1 ended at the synthetic orders' time: the cursor moved there and no
  // further, so the rejected event is polled again next round.
  EXPECT_EQ(store_.cursor(shop_id_, "orders"), "2026-01-12T00:00:00Z");

  store_.failAfter(-1);
  ResourcePoll retry = poller.poll(PollResource::kOrders);
  ASSERT_TRUE(retry.status.isOk());
  EXPECT_EQ(store_.events().size(), 12u);
}

TEST_F(ShopifyPollerTest, AbandonedCheckoutsAdvanceOnlyAfterTheWholeRound) {
  // Sorted by ID (no UPDATED_AT sort key): a later page may hold older changes.
  for (int i = 0; i < 12; ++i) {
    Json node = fake_.nodes("abandonedCheckouts").back();
    node["id"] = "gid://shopify/AbandonedCheckout/" + std::to_string(700 + i);
    node["abandonedCheckoutUrl"] =
        "https://checkout.local/1/checkouts/tok" + std::to_string(i) + "/recover?key=k";
    node["updatedAt"] = i == 0 ? "2026-01-13T00:00:00Z" : "2026-01-11T00:00:00Z";
    fake_.upsertNode("abandonedCheckouts", node);
  }
  store_.failAfter(12);  // fails on page 2
  auto c = client();
  Poller poller(options({PollResource::kAbandonedCheckouts}), *c, store_.db(), clock_,
                store_.sink());
  ResourcePoll failed = poller.poll(PollResource::kAbandonedCheckouts);
  EXPECT_FALSE(failed.status.isOk());
  EXPECT_FALSE(store_.cursor(shop_id_, "abandoned_checkouts"));
  EXPECT_NE(fake_.graphqlCalls()[0]["query"].get<std::string>().find("sortKey: ID"),
            std::string::npos);

  store_.failAfter(-1);
  ResourcePoll ok = poller.poll(PollResource::kAbandonedCheckouts);
  ASSERT_TRUE(ok.status.isOk()) << ok.status.toString();
  EXPECT_EQ(ok.pages, 2);
  EXPECT_EQ(store_.cursor(shop_id_, "abandoned_checkouts"), "2026-01-13T00:00:00Z");
  EXPECT_EQ(store_.eventsWithTopic("graphql/abandoned_checkout").size(), 14u);
}

TEST_F(ShopifyPollerTest, PollOnceCoversEveryResource) {
  auto c = client();
  PollerOptions o = options({PollResource::kAbandonedCheckouts, PollResource::kOrders,
                             PollResource::kCustomers, PollResource::kProducts});
  Poller poller(o, *c, store_.db(), clock_, store_.sink());
  PollRound round = poller.pollOnce();
  ASSERT_TRUE(round.ok()) << round.firstError().toString();
  ASSERT_EQ(round.resources.size(), 4u);
  EXPECT_EQ(store_.eventsWithTopic("graphql/abandoned_checkout").size(), 2u);
  EXPECT_EQ(store_.eventsWithTopic("graphql/order").size(), 2u);
  EXPECT_EQ(store_.eventsWithTopic("graphql/customer").size(), 2u);
  EXPECT_FALSE(store_.eventsWithTopic("graphql/product").empty());
  for (const char* key : {"abandoned_checkouts", "orders", "customers", "products"})
    EXPECT_TRUE(store_.cursor(shop_id_, key)) << key;
}

TEST_F(ShopifyPollerTest, PlainHttpToARemoteShopIsRefused) {
  auto c = client("http://acme.myshopify.com");
  Poller poller(options(), *c, store_.db(), clock_, store_.sink());
  ResourcePoll result = poller.poll(PollResource::kOrders);
  EXPECT_EQ(result.status.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(result.status.message().find("https"), std::string::npos);
  EXPECT_EQ(fake_.server().requestCount(), 0u);
}

// --- What the polled bodies map to (graphql_mapping) -------------------------

class GraphqlMappingTest : public ShopifyPollerTest {
 protected:
  core::ports::MappingContext context() {
    core::ports::MappingContext ctx;
    ctx.country = "US";
    ctx.currency = "USD";
    return ctx;
  }

  core::model::ChangeSet mapped(const InboxEvent& event) {
    const std::string resource = event.topic.substr(std::string("graphql/").size());
    auto changes = mapGraphqlNode(resource, event.body, context());
    EXPECT_TRUE(changes.isOk()) << event.delivery_id << ": " << changes.status().toString();
    return changes.isOk() ? *changes : core::model::ChangeSet();
  }

  void pollAll() {
    auto c = client();
    PollerOptions o = options({PollResource::kAbandonedCheckouts, PollResource::kOrders,
                               PollResource::kCustomers, PollResource::kProducts});
    Poller poller(o, *c, store_.db(), clock_, store_.sink());
    ASSERT_TRUE(poller.pollOnce().ok());
  }
};

TEST_F(GraphqlMappingTest, CheckoutIsKeyedByTheTokenFromTheRecoveryUrl) {
  pollAll();
  bool found = false;
  for (const InboxEvent& e : store_.eventsWithTopic("graphql/abandoned_checkout")) {
    auto changes = mapped(e);
    ASSERT_EQ(changes.carts.size(), 1u);
    const auto& cart = changes.carts[0].cart;
    if (cart.platform_cart_id != "2a1ace52255252df566af0faaedfbfa7") {
      EXPECT_EQ(cart.platform_cart_id, "123123123");  // checkouts_create.json's token
      EXPECT_EQ(cart.total.minor, 42188);
      continue;
    }
    found = true;
    EXPECT_EQ(cart.total.minor, 37969);
    EXPECT_EQ(cart.total.currency, "USD");
    EXPECT_EQ(cart.recovery_url,
              "https://checkout.local/548380009/checkouts/2a1ace52255252df566af0faaedfbfa7/"
              "recover");
    EXPECT_EQ(cart.state, core::model::CartState::kOpen);
    EXPECT_TRUE(cart.contact_captured);
    ASSERT_FALSE(cart.items.empty());
    EXPECT_EQ(cart.items[0].product_id, "632910392");
    EXPECT_EQ(cart.items[0].variant_id, "49148385");
    EXPECT_EQ(cart.items[0].unit_price_minor, 19900);
    ASSERT_TRUE(changes.carts[0].buyer.has_value());
    EXPECT_EQ(changes.carts[0].buyer->platform_customer_id, "207119551");
    EXPECT_EQ(cart.platform_updated_at_ms, core::parseIso8601(kInWindow).value());
  }
  EXPECT_TRUE(found);
}

TEST_F(GraphqlMappingTest, OrderKeepsTheRestIdentityAndStatuses) {
  pollAll();
  for (const InboxEvent& e : store_.eventsWithTopic("graphql/order")) {
    auto changes = mapped(e);
    ASSERT_EQ(changes.orders.size(), 1u);
    const auto& order = changes.orders[0].order;
    if (order.platform_order_id != "450789469") continue;
    EXPECT_EQ(order.name, "#1001");
    EXPECT_EQ(order.checkout_token, "bd5a8aa1ecd019dd3520ff791ee3a24c");
    EXPECT_EQ(order.cart_token, "68778783ad298f1c80c3bafcddeea02f");
    EXPECT_EQ(order.total.minor, 59894);
    EXPECT_EQ(order.financial_status, "partially_refunded");
    EXPECT_EQ(order.fulfillment_status, "");
    EXPECT_EQ(order.items.size(), 3u);
    EXPECT_EQ(order.placed_at_ms, core::parseIso8601("2008-01-10T11:00:00-05:00").value());
    return;
  }
  FAIL() << "order 450789469 not polled";
}

TEST_F(GraphqlMappingTest, CustomerAndProduct) {
  pollAll();
  bool customer_seen = false;
  for (const InboxEvent& e : store_.eventsWithTopic("graphql/customer")) {
    auto changes = mapped(e);
    ASSERT_EQ(changes.customers.size(), 1u);
    const auto& customer = changes.customers[0];
    if (customer.platform_customer_id != "207119551") continue;
    customer_seen = true;
    EXPECT_EQ(customer.email, "bob.norman@mail.example.com");
    EXPECT_EQ(customer.phone, "+16136120707");
    EXPECT_TRUE(customer.phone_valid);
    EXPECT_EQ(customer.tags, (std::vector<std::string>{"Léon", "Noël"}));
  }
  EXPECT_TRUE(customer_seen);
  auto products = store_.eventsWithTopic("graphql/product");
  ASSERT_FALSE(products.empty());
  auto changes = mapped(products[0]);
  ASSERT_EQ(changes.products.size(), 1u);
  EXPECT_FALSE(changes.products[0].platform_product_id.empty());
  EXPECT_EQ(changes.products[0].platform_product_id.find("gid"), std::string::npos);
}

TEST_F(GraphqlMappingTest, WhatsAppConsentOfAPolledCustomerIsObserved) {
  Json node = fake_.nodes("customers").back();
  node["defaultPhoneNumber"] = {{"phoneNumber", "+905321234567"},
                                {"whatsAppMarketingConsent",
                                 {{"state", "SUBSCRIBED"},
                                  {"optInLevel", "CONFIRMED_OPT_IN"},
                                  {"updatedAt", "2026-01-09T08:00:00Z"},
                                  {"collectedFrom", "SHOPIFY"}}}};
  auto changes = mapGraphqlNode("customer", node.dump(), context());
  ASSERT_TRUE(changes.isOk()) << changes.status().toString();
  ASSERT_EQ(changes->consents.size(), 1u);
  const auto& consent = changes->consents[0];
  EXPECT_EQ(consent.channel, "whatsapp");
  EXPECT_EQ(consent.state, "subscribed");
  EXPECT_EQ(consent.opt_in_level, "confirmed_opt_in");
  EXPECT_EQ(consent.collected_from, "SHOPIFY");
  EXPECT_EQ(consent.subject.phone, "+905321234567");
  EXPECT_EQ(consent.observed_at_ms, core::parseIso8601("2026-01-09T08:00:00Z").value());
}

TEST_F(GraphqlMappingTest, MalformedNodesAreRejectedWithoutPersonalData) {
  Json node = fake_.nodes("customers").back();
  node["updatedAt"] = 42;
  auto bad = mapGraphqlNode("customer", node.dump(), context());
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(bad.status().message().find("bob"), std::string::npos);

  Json checkout = fake_.nodes("abandonedCheckouts").back();
  checkout["abandonedCheckoutUrl"] = "https://checkout.local/";
  auto no_token = mapGraphqlNode("abandoned_checkout", checkout.dump(), context());
  EXPECT_EQ(no_token.status().code(), Status::Code::kInvalidArgument);

  EXPECT_EQ(mapGraphqlNode("order", "not json", context()).status().code(),
            Status::Code::kInvalidArgument);
  auto unknown = mapGraphqlNode("gift_card", "{}", context());
  ASSERT_TRUE(unknown.isOk());
  EXPECT_FALSE(unknown->ignored_because.empty());
}

// --- Polled and pushed data go through the same mapper ----------------------

// A webhook delivery of `fixture` under `topic`, as the intake stores it.
InboxEvent webhookEvent(const std::string& topic, const std::string& body) {
  InboxEvent event;
  event.source = "acme";
  event.platform = "shopify";
  event.topic = topic;
  event.delivery_id = "webhook-1";
  event.headers_json = "{}";
  event.body = body;
  event.received_at_ms = testing::kPollerTestNow;
  return event;
}

TEST_F(GraphqlMappingTest, PolledEventsMapThroughTheShopifyEventMapper) {
  pollAll();
  const ShopifyEventMapper mapper;
  int mapped_events = 0;
  for (const InboxEvent& event : store_.events()) {
    auto changes = mapper.map(event, context());
    ASSERT_TRUE(changes.isOk()) << event.topic << " " << changes.status().toString();
    EXPECT_FALSE(changes->empty()) << event.topic;
    EXPECT_TRUE(changes->ignored_because.empty()) << event.topic;
    ++mapped_events;
  }
  EXPECT_GE(mapped_events, 8);
}

TEST_F(GraphqlMappingTest, PolledAndWebhookCheckoutAreTheSameCart) {
  const std::string rest = testing::readFixture("shopify/checkouts_create.json");
  const ShopifyEventMapper mapper;
  auto pushed = mapper.map(webhookEvent("checkouts/update", rest), context());
  ASSERT_TRUE(pushed.isOk()) << pushed.status().toString();
  InboxEvent polled_event = webhookEvent("graphql/abandoned_checkout",
                                         FakeShopify::checkoutNode(Json::parse(rest)).dump());
  auto polled = mapper.map(polled_event, context());
  ASSERT_TRUE(polled.isOk()) << polled.status().toString();
  ASSERT_EQ(pushed->carts.size(), 1u);
  ASSERT_EQ(polled->carts.size(), 1u);
  const auto& a = pushed->carts[0];
  const auto& b = polled->carts[0];
  EXPECT_EQ(a.cart.platform_cart_id, b.cart.platform_cart_id);
  EXPECT_EQ(a.cart.total, b.cart.total);
  EXPECT_EQ(a.cart.state, b.cart.state);
  EXPECT_EQ(a.cart.platform_updated_at_ms, b.cart.platform_updated_at_ms);
  EXPECT_EQ(a.cart.contact_captured, b.cart.contact_captured);
  ASSERT_EQ(a.cart.items.size(), b.cart.items.size());
  for (std::size_t i = 0; i < a.cart.items.size(); ++i) {
    EXPECT_EQ(a.cart.items[i].product_id, b.cart.items[i].product_id);
    EXPECT_EQ(a.cart.items[i].variant_id, b.cart.items[i].variant_id);
    EXPECT_EQ(a.cart.items[i].unit_price_minor, b.cart.items[i].unit_price_minor);
    EXPECT_EQ(a.cart.items[i].quantity, b.cart.items[i].quantity);
  }
  ASSERT_TRUE(a.buyer && b.buyer);
  EXPECT_EQ(a.buyer->platform_customer_id, b.buyer->platform_customer_id);
  EXPECT_EQ(a.buyer->email, b.buyer->email);
}

TEST_F(GraphqlMappingTest, PolledAndWebhookOrderAreTheSameOrder) {
  const Json rest =
      Json::parse(testing::readFixture("shopify/rest_2025-07_get_order.json"))["order"];
  const ShopifyEventMapper mapper;
  auto pushed = mapper.map(webhookEvent("orders/updated", rest.dump()), context());
  ASSERT_TRUE(pushed.isOk()) << pushed.status().toString();
  auto polled =
      mapper.map(webhookEvent("graphql/order", FakeShopify::orderNode(rest).dump()), context());
  ASSERT_TRUE(polled.isOk()) << polled.status().toString();
  ASSERT_EQ(pushed->orders.size(), 1u);
  ASSERT_EQ(polled->orders.size(), 1u);
  const auto& a = pushed->orders[0].order;
  const auto& b = polled->orders[0].order;
  EXPECT_EQ(a.platform_order_id, b.platform_order_id);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.checkout_token, b.checkout_token);
  EXPECT_EQ(a.cart_token, b.cart_token);
  EXPECT_EQ(a.total, b.total);
  EXPECT_EQ(a.financial_status, b.financial_status);
  EXPECT_EQ(a.fulfillment_status, b.fulfillment_status);
  EXPECT_EQ(a.placed_at_ms, b.placed_at_ms);
  EXPECT_EQ(a.cancelled_at_ms, b.cancelled_at_ms);
  EXPECT_EQ(a.platform_updated_at_ms, b.platform_updated_at_ms);
  ASSERT_EQ(a.items.size(), b.items.size());
  for (std::size_t i = 0; i < a.items.size(); ++i) {
    EXPECT_EQ(a.items[i].product_id, b.items[i].product_id);
    EXPECT_EQ(a.items[i].variant_id, b.items[i].variant_id);
    EXPECT_EQ(a.items[i].unit_price_minor, b.items[i].unit_price_minor);
  }
  ASSERT_TRUE(pushed->orders[0].buyer && polled->orders[0].buyer);
  EXPECT_EQ(pushed->orders[0].buyer->platform_customer_id,
            polled->orders[0].buyer->platform_customer_id);
}

TEST_F(GraphqlMappingTest, PolledAndWebhookCustomerAreTheSameCustomer) {
  const Json rest =
      Json::parse(testing::readFixture("shopify/rest_2025-07_get_customer.json"))["customer"];
  const ShopifyEventMapper mapper;
  auto pushed = mapper.map(webhookEvent("customers/update", rest.dump()), context());
  ASSERT_TRUE(pushed.isOk()) << pushed.status().toString();
  auto polled = mapper.map(webhookEvent("graphql/customer", FakeShopify::customerNode(rest).dump()),
                           context());
  ASSERT_TRUE(polled.isOk()) << polled.status().toString();
  ASSERT_EQ(pushed->customers.size(), 1u);
  ASSERT_EQ(polled->customers.size(), 1u);
  const auto& a = pushed->customers[0];
  const auto& b = polled->customers[0];
  EXPECT_EQ(a.platform_customer_id, b.platform_customer_id);
  EXPECT_EQ(a.email, b.email);
  EXPECT_EQ(a.phone, b.phone);
  EXPECT_EQ(a.phone_valid, b.phone_valid);
  EXPECT_EQ(a.first_name, b.first_name);
  EXPECT_EQ(a.last_name, b.last_name);
  EXPECT_EQ(a.tags, b.tags);
  EXPECT_EQ(a.address, b.address);
  EXPECT_EQ(a.platform_updated_at_ms, b.platform_updated_at_ms);
}

// --- Webhook subscriptions ---------------------------------------------------

class ShopifySubscriptionTest : public ShopifyPollerTest {
 protected:
  static constexpr const char* kPublicUrl = "https://relay.example.com/";
  std::string ours() { return callbackUrl(kPublicUrl, "acme"); }

  void registerAll() {
    for (const std::string& topic : requiredWebhookTopics())
      fake_.addSubscription(topicEnumName(topic), ours());
  }
};

TEST_F(ShopifySubscriptionTest, AllPresentIsOk) {
  registerAll();
  fake_.addSubscription("ORDERS_CREATE", "https://someone-else.example.com/hook");
  auto c = client();
  SubscriptionCheck check = checkWebhookSubscriptions(*c, "acme", kPublicUrl);
  EXPECT_EQ(check.health, "ok");
  EXPECT_TRUE(check.healthy());
  EXPECT_TRUE(check.created.empty());
  EXPECT_EQ(ours(), "https://relay.example.com/webhooks/shopify/acme");
}

TEST_F(ShopifySubscriptionTest, DeletedSubscriptionIsReRegistered) {
  registerAll();
  ASSERT_TRUE(fake_.deleteSubscription("ORDERS_PAID"));
  ASSERT_TRUE(fake_.deleteSubscription("CUSTOMERS_WHATS_APP_MARKETING_CONSENT_UPDATE"));
  auto c = client();
  SubscriptionCheck check = checkWebhookSubscriptions(*c, "acme", kPublicUrl);
  EXPECT_EQ(check.health, "re-registered");
  EXPECT_TRUE(check.healthy());
  EXPECT_EQ(check.created, (std::vector<std::string>{
                               "orders/paid", "customers_whats_app_marketing_consent/update"}));
  auto subs = fake_.subscriptions();
  EXPECT_EQ(subs.size(), requiredWebhookTopics().size());
  bool paid = false;
  for (const auto& s : subs) {
    if (s.topic == "ORDERS_PAID") paid = s.uri == ours();
  }
  EXPECT_TRUE(paid);
  // The create mutation asked for JSON deliveries to our callback.
  const Json last = fake_.graphqlCalls().back();
  EXPECT_EQ(last["variables"]["webhookSubscription"]["format"], "JSON");

  SubscriptionCheck again = checkWebhookSubscriptions(*c, "acme", kPublicUrl);
  EXPECT_EQ(again.health, "ok");
}

TEST_F(ShopifySubscriptionTest, WithoutPublicUrlMissingIsReportedNotCreated) {
  registerAll();
  fake_.deleteSubscription("CHECKOUTS_UPDATE");
  auto c = client();
  SubscriptionCheck check = checkWebhookSubscriptions(*c, "acme", "");
  EXPECT_EQ(check.health, "missing");
  EXPECT_EQ(check.missing, (std::vector<std::string>{"checkouts/update"}));
  EXPECT_NE(check.detail.find("public_url"), std::string::npos);
  EXPECT_EQ(fake_.subscriptions().size(), requiredWebhookTopics().size() - 1);
}

TEST_F(ShopifySubscriptionTest, FailedCreateStaysMissing) {
  fake_.failSubscriptionCreates(true);
  auto c = client();
  SubscriptionCheck check = checkWebhookSubscriptions(*c, "acme", kPublicUrl);
  EXPECT_EQ(check.health, "missing");
  EXPECT_EQ(check.missing.size(), requiredWebhookTopics().size());
  EXPECT_FALSE(check.healthy());
  EXPECT_NE(check.detail.find("already been taken"), std::string::npos);
}

TEST_F(ShopifySubscriptionTest, ListingFailureIsUnknown) {
  fake_.server().failNext(FailureMode::kHttp500);
  auto c = client();
  SubscriptionCheck check = checkWebhookSubscriptions(*c, "acme", kPublicUrl);
  EXPECT_EQ(check.health, "unknown");
  EXPECT_FALSE(check.status.isOk());
}

TEST(ShopifyTopics, EnumNames) {
  EXPECT_EQ(topicEnumName("orders/create"), "ORDERS_CREATE");
  EXPECT_EQ(topicEnumName("customers_whats_app_marketing_consent/update"),
            "CUSTOMERS_WHATS_APP_MARKETING_CONSENT_UPDATE");
  EXPECT_EQ(isoSeconds(1'768'435'200'999), "2026-01-15T00:00:00Z");
}

}  // namespace
}  // namespace cartrelay::connectors::shopify
