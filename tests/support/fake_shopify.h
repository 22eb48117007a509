#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/fake_http_server.h"

namespace cartrelay::testing {

// A fake Shopify Admin GraphQL API (POST /admin/api/<version>/graphql.json)
// for the poller tests, serving the shapes of shared/fixtures/shopify as
// GraphQL nodes:
//
//   abandonedCheckouts  <- checkouts_create.json, rest_2025-07_get_checkouts.json
//   orders              <- orders_create.json, rest_2025-07_get_order.json
//   customers           <- customers_create.json, rest_2025-07_get_customer.json
//   products            <- the products named by those orders' line items
//
// It understands the queries connectors/shopify/poller.cpp and
// webhook_subscriptions.cpp send (recognised by their connection name, not
// parsed as GraphQL): `first`/`after` pagination with pageInfo{hasNextPage,
// endCursor}, the `updated_at:>='<time>'` filter, sortKey ID or UPDATED_AT,
// extensions.cost.throttleStatus on every answer, THROTTLED errors and HTTP
// 429 on demand, webhookSubscriptions and webhookSubscriptionCreate. A wrong
// X-Shopify-Access-Token gets 401. Failures (500, closed connection, hang)
// come from FakeHttpServer::failNext via server().
//
// Resource names are the connection names: "abandonedCheckouts", "orders",
// "customers", "products". Tests may change the data between polls.
// Thread-safe.
class FakeShopify {
 public:
  static constexpr const char* kToken = "shpat_test_token";

  // Loads the fixture data and starts listening on 127.0.0.1.
  FakeShopify();
  FakeShopify(const FakeShopify&) = delete;
  FakeShopify& operator=(const FakeShopify&) = delete;

  FakeHttpServer& server() { return server_; }
  std::string baseUrl() const { return server_.baseUrl(); }

  // Data ---------------------------------------------------------------
  // Inserts or replaces (by "id") a node of `resource`.
  void upsertNode(const std::string& resource, nlohmann::json node);
  void removeNode(const std::string& resource, const std::string& gid);
  void clearNodes(const std::string& resource);
  std::vector<nlohmann::json> nodes(const std::string& resource) const;
  // Sets updatedAt of every node of every resource (to place the fixture
  // data inside or outside a backfill window).
  void setAllUpdatedAt(const std::string& iso_time);
  // Adds `count` synthetic orders (ids from 9'000'000 up) updated at
  // `iso_time`: enough data to need several pages.
  void addSyntheticOrders(int count, const std::string& iso_time);

  // REST/webhook-shaped fixture objects -> GraphQL nodes of the shapes the
  // poller queries. Times become UTC "YYYY-MM-DDTHH:MM:SSZ".
  static nlohmann::json checkoutNode(const nlohmann::json& rest);
  static nlohmann::json orderNode(const nlohmann::json& rest);
  static nlohmann::json customerNode(const nlohmann::json& rest,
                                     const std::string& fallback_updated_at = "");

  // Behaviour ----------------------------------------------------------
  // The next `count` GraphQL calls answer THROTTLED (HTTP 200, no data) with
  // throttleStatus currentlyAvailable = `available`.
  void throttleNext(int count, double available = 0);
  // The next `count` calls answer HTTP 429 with this Retry-After.
  void rateLimitNext(int count, const std::string& retry_after = "1");
  // The throttleStatus reported by successful answers, and their cost.
  void setThrottleStatus(double currently_available, double restore_rate,
                         double requested_cost = 10, double maximum_available = 2000);
  // userErrors on every webhookSubscriptionCreate from now on.
  void failSubscriptionCreates(bool fail);

  // Webhook subscriptions -------------------------------------------------
  struct Subscription {
    std::string id;     // gid://shopify/WebhookSubscription/N
    std::string topic;  // enum name, "ORDERS_CREATE"
    std::string uri;
  };
  void addSubscription(const std::string& topic_enum, const std::string& uri);
  bool deleteSubscription(const std::string& topic_enum);
  std::vector<Subscription> subscriptions() const;

  // The GraphQL calls received (from server().requests()), as {query, variables}.
  std::vector<nlohmann::json> graphqlCalls() const;

 private:
  FakeResponse handle(const RecordedRequest& request);
  FakeResponse connection(const std::string& resource, const nlohmann::json& variables,
                          const std::string& query_text);
  nlohmann::json extensions() const;

  mutable std::mutex mu_;
  std::map<std::string, std::vector<nlohmann::json>> data_;
  std::vector<Subscription> subscriptions_;
  int next_subscription_ = 1;
  int throttle_next_ = 0;
  double throttle_available_ = 0;
  int rate_limit_next_ = 0;
  std::string retry_after_ = "1";
  double currently_available_ = 1990;
  double restore_rate_ = 100;
  double requested_cost_ = 10;
  double maximum_available_ = 2000;
  bool fail_creates_ = false;
  FakeHttpServer server_;  // last: starts after the data above exists
};

}  // namespace cartrelay::testing
