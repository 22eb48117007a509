#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/fake_http_server.h"

namespace cartrelay::testing {

// A fake WooCommerce REST API v3 (/wp-json/wc/v3/...) serving the shapes of
// shared/fixtures/woocommerce:
//
//   orders     <- rest_v3_orders_list.json (orders 727 and 723)
//   customers  <- rest_v3_customer_get.json (customer 25)
//   products   <- the products named by those orders' line items
//
// GET orders|customers|products honours per_page (max 100), page, orderby
// (id, date, registered_date; order asc|desc), modified_after (compared with
// date_modified_gmt when dates_are_gmt=true, else date_modified), status
// (comma-separated; "any" = every status except checkout-draft unless
// setAnyIncludesDrafts(true)), and answers X-WP-Total / X-WP-TotalPages.
// GET/POST/PUT /webhooks[/<id>] manage webhooks. Wrong or missing HTTP Basic
// credentials get 401 (woocommerce_rest_cannot_view). HTTP 429 with
// Retry-After on demand; 500 / closed connection / hang via
// server().failNext. Tests may change the data between polls. Thread-safe.
class FakeWooCommerce {
 public:
  static constexpr const char* kConsumerKey = "ck_test_0123456789";
  static constexpr const char* kConsumerSecret = "cs_test_9876543210";

  FakeWooCommerce();
  FakeWooCommerce(const FakeWooCommerce&) = delete;
  FakeWooCommerce& operator=(const FakeWooCommerce&) = delete;

  FakeHttpServer& server() { return server_; }
  std::string baseUrl() const { return server_.baseUrl(); }

  // Data: resource is "orders", "customers" or "products"; objects are
  // replaced by "id".
  void upsert(const std::string& resource, nlohmann::json object);
  void remove(const std::string& resource, std::int64_t id);
  void clear(const std::string& resource);
  std::vector<nlohmann::json> objects(const std::string& resource) const;
  // Sets date_modified(_gmt) (and, for customers, date_created(_gmt)) of
  // every object, e.g. "2026-11-20T10:00:00".
  void setAllModified(const std::string& gmt_time);
  // Adds `count` orders (ids from 10'000 up) with `status`, modified at
  // `gmt_time`.
  void addSyntheticOrders(int count, const std::string& status, const std::string& gmt_time);

  // Behaviour
  void setAnyIncludesDrafts(bool include);
  // status=checkout-draft gets HTTP 400 rest_invalid_param (an old shop).
  void rejectCheckoutDraftStatus(bool reject);
  void rateLimitNext(int count, const std::string& retry_after = "1");

  // Webhooks (the REST objects: id, name, status, topic, delivery_url, secret)
  std::int64_t addWebhook(const std::string& topic, const std::string& delivery_url,
                          const std::string& status = "active");
  void setWebhookStatus(std::int64_t id, const std::string& status);
  std::vector<nlohmann::json> webhooks() const;

 private:
  FakeResponse handle(const RecordedRequest& request);
  FakeResponse list(const std::string& resource, const RecordedRequest& request);
  FakeResponse webhookCall(const RecordedRequest& request);

  mutable std::mutex mu_;
  std::map<std::string, std::vector<nlohmann::json>> data_;
  std::vector<nlohmann::json> webhooks_;
  std::int64_t next_webhook_ = 100;
  bool any_includes_drafts_ = false;
  bool reject_drafts_ = false;
  int rate_limit_next_ = 0;
  std::string retry_after_ = "1";
  FakeHttpServer server_;  // last: starts after the data above exists
};

}  // namespace cartrelay::testing
