#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/net/http_fetch.h"
#include "core/polling/backoff.h"
#include "core/util/clock.h"
#include "core/util/result.h"

namespace cartrelay::connectors::shopify {

// Where and how to reach one shop's Admin GraphQL API.
struct AdminApiOptions {
  // "https://<shop_domain>", or the `admin_api_url` override (tests, a
  // proxy). No trailing slash needed. Plain http only for loopback hosts
  // (core/net/http_fetch.h refuses the rest).
  std::string base_url;
  std::string api_version = "2026-07";  // YYYY-MM
  std::string access_token;             // X-Shopify-Access-Token; never logged
  // How many times one call is retried after THROTTLED or HTTP 429 before it
  // gives up with kUnavailable (the poller's round backoff takes over).
  int max_throttle_retries = 5;
  // Longest single throttle wait, ms: a bogus restoreRate or Retry-After
  // cannot park the poller.
  std::int64_t max_throttle_wait_ms = 60'000;
};

// The last throttle state Shopify reported (extensions.cost.throttleStatus).
struct ThrottleState {
  double maximum_available = 0;
  double currently_available = 0;
  double restore_rate = 0;               // points per second
  core::EpochMillis observed_at_ms = 0;  // clock time of the response
};

// A blocking client of Shopify's Admin GraphQL API
// ({base_url}/admin/api/{api_version}/graphql.json) that honours both of
// Shopify's rate limits (shared/reference/shopify-woocommerce.md §3):
//   - calculated query cost: before each call it projects the bucket from the
//     last throttleStatus (currentlyAvailable + restoreRate x elapsed) and,
//     when the call's expected cost (the last requestedQueryCost) would not
//     fit, waits until it does; a THROTTLED answer waits the same way and
//     retries;
//   - HTTP 429: waits Retry-After (default 1 s) and retries.
// Waits go through the injected WaitFn, so tests never sleep and a stopping
// daemon interrupts them.
//
// Errors (never thrown):
//   kUnavailable      network failure, timeout, 5xx, still throttled after
//                     max_throttle_retries, or the wait was interrupted
//   kUnauthenticated  HTTP 401/403 (bad or revoked token)
//   kPermanent        another 4xx, or GraphQL errors (a query the API
//                     rejects: wrong version, missing scope)
//   kInvalidArgument  from the HTTP layer (non-HTTPS remote URL)
// Messages carry the HTTP status or GraphQL error code, never the token,
// the response body or personal data.
//
// Ownership: `http`, `clock` and whatever `wait` refers to must outlive the
// client. Thread-safety: not thread-safe; one per poller thread.
class AdminGraphqlClient {
 public:
  AdminGraphqlClient(AdminApiOptions options, core::net::HttpClient& http, const core::Clock& clock,
                     core::polling::WaitFn wait);
  AdminGraphqlClient(const AdminGraphqlClient&) = delete;
  AdminGraphqlClient& operator=(const AdminGraphqlClient&) = delete;

  // Runs one query or mutation and returns its `data` object.
  core::Result<nlohmann::json> execute(const std::string& query, const nlohmann::json& variables);

  // The endpoint URL (no credentials in it), for logs and tests.
  const std::string& endpoint() const { return endpoint_; }

  // Throttle bookkeeping, for tests and the status page.
  const std::optional<ThrottleState>& throttle() const { return throttle_; }
  // How many throttle waits (proactive, THROTTLED, 429) this client made.
  int throttleWaits() const { return throttle_waits_; }

 private:
  // Waits until `cost` points are projected to be available. False when the
  // wait was interrupted.
  bool waitForBudget(double cost);
  bool waitMs(std::int64_t ms);
  void noteCost(const std::string& query, const nlohmann::json& response);

  AdminApiOptions options_;
  std::string endpoint_;
  core::net::HttpClient& http_;
  const core::Clock& clock_;
  core::polling::WaitFn wait_;
  std::optional<ThrottleState> throttle_;
  // The last requestedQueryCost per query text: what the next run of the
  // same query is expected to cost.
  std::map<std::string, double> expected_costs_;
  int throttle_waits_ = 0;
};

}  // namespace cartrelay::connectors::shopify
