#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/net/http_fetch.h"
#include "core/polling/backoff.h"
#include "core/util/clock.h"
#include "core/util/result.h"

namespace cartrelay::connectors::woocommerce {

// Where and how to reach one shop's WooCommerce REST API v3.
struct RestOptions {
  // The shop's site URL ("https://shop.example"); the API lives under
  // {base_url}/wp-json/wc/v3/. https only, except loopback hosts (tests):
  // HTTP Basic auth sends the consumer secret in every request, which is only
  // acceptable inside TLS (reference §8).
  std::string base_url;
  std::string consumer_key;     // ck_..., the Basic user
  std::string consumer_secret;  // cs_..., the Basic password; never logged
  // Retries of one request after HTTP 429 (honouring Retry-After) before it
  // gives up with kUnavailable.
  int max_rate_limit_retries = 3;
  std::int64_t max_rate_limit_wait_ms = 60'000;
};

// One answer of a list or write call.
struct RestResult {
  int status = 0;
  nlohmann::json body;  // the parsed JSON body
  // X-WP-Total / X-WP-TotalPages of a list answer, when sent.
  std::optional<std::int64_t> total;
  std::optional<std::int64_t> total_pages;
};

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// A blocking WooCommerce REST v3 client with HTTP Basic authentication.
//
// Errors (never thrown):
//   kInvalidArgument  base_url is not https (and not loopback), or malformed
//   kUnavailable      network failure, timeout, 5xx, still 429 after the
//                     retries, an interrupted wait, a body that is not JSON
//   kUnauthenticated  401/403 (wrong or revoked keys)
//   kNotFound         404 (wrong base_url, REST API disabled, unknown id)
//   kPermanent        other 4xx (e.g. a status filter the shop rejects)
// Messages carry the method, the path (no query string) and the status,
// never the keys or body content.
//
// Ownership: http, clock and the wait's captures outlive the client.
// Thread-safety: not thread-safe; one per poller thread.
class RestClient {
 public:
  RestClient(RestOptions options, core::net::HttpClient& http, const core::Clock& clock,
             core::polling::WaitFn wait);
  RestClient(const RestClient&) = delete;
  RestClient& operator=(const RestClient&) = delete;

  // Checks the base URL (scheme, loopback rule) without any I/O.
  core::Status validate() const;

  // GET {base}/wp-json/wc/v3/{path}?{query} (values percent-encoded).
  core::Result<RestResult> get(const std::string& path, const QueryParams& query);
  // POST / PUT a JSON body.
  core::Result<RestResult> post(const std::string& path, const nlohmann::json& body);
  core::Result<RestResult> put(const std::string& path, const nlohmann::json& body);

  // "Basic base64(key:secret)", exposed for tests.
  std::string authorizationHeader() const;

  int rateLimitWaits() const { return rate_limit_waits_; }

 private:
  core::Result<RestResult> send(const std::string& method, const std::string& path,
                                const QueryParams& query, const std::string* body);

  RestOptions options_;
  std::string api_base_;  // {base_url}/wp-json/wc/v3
  core::net::HttpClient& http_;
  const core::Clock& clock_;
  core::polling::WaitFn wait_;
  int rate_limit_waits_ = 0;
};

}  // namespace cartrelay::connectors::woocommerce
