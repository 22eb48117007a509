#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/config/app_config.h"
#include "core/model/inbox_event.h"
#include "core/net/http_fetch.h"
#include "core/polling/backoff.h"
#include "core/util/clock.h"
#include "core/util/status.h"

namespace cartrelay::core::metrics {
class Metrics;
}  // namespace cartrelay::core::metrics

namespace cartrelay::core::store {
class Database;
}  // namespace cartrelay::core::store

namespace cartrelay::app {

// What the daemon knows about one shop's reconciliation polling, for the
// status page, the admin API and `cartrelay` diagnostics. Holds no secrets
// and no personal data. Times are UTC epoch ms from the injected Clock.
struct ShopPollStatus {
  std::string shop;      // [shop.NAME]
  std::string platform;  // "shopify" | "woocommerce"
  // False when the shop has no API credentials: webhooks only, no polling.
  bool enabled = false;
  // "starting" | "polling" | "idle" (waiting for the next round) |
  // "backing_off" (after a failure) | "disabled" | "stopped"
  std::string state = "starting";
  std::optional<std::int64_t> last_attempt_ms;
  std::optional<std::int64_t> last_success_ms;  // last round that read every resource
  std::optional<std::int64_t> next_poll_ms;     // when the next round is due
  std::string last_error;                       // empty after a success
  // A round interrupted by stop() changes none of the outcome fields.
  int consecutive_failures = 0;
  std::int64_t rounds = 0;             // rounds completed since start
  std::int64_t events_last_round = 0;  // changes handed to the inbox (incl. duplicates)
  // Webhook subscriptions as the last round found them:
  // "ok" | "missing" | "disabled" | "re-registered" | "unknown".
  std::string subscription_health = "unknown";
  std::string subscription_detail;  // why not ok

  bool operator==(const ShopPollStatus&) const = default;
};

// {"shop": ..., "platform": ..., "last_success_ms": 1763..., or null, ...}:
// every field, optional ones as null.
nlohmann::json toJson(const ShopPollStatus& status);
nlohmann::json toJson(const std::vector<ShopPollStatus>& statuses);

// Knobs the INI does not expose; the defaults are what the daemon uses.
struct ShopPollersOptions {
  // Per HTTP exchange with a shop API.
  core::net::FetchLimits http_limits;
  // Round retry after a failed round (5xx, timeout, refused, throttled for
  // too long, store trouble): full jitter below a ceiling that doubles from
  // initial_ms up to max_ms. A successful round resets it.
  core::polling::BackoffPolicy backoff = {5'000, 15 * 60'000, 2.0, 3'600'000};
  // Uniform [0,1); null = core::polling::defaultRandomSource().
  core::polling::RandomSource random;
  // Rounds are never closer than this, whatever poll_interval says (the
  // schema's minimum is 5 s; tests lower it).
  std::int64_t min_poll_interval_ms = 1'000;
  // How far each query reaches back before the stored cursor.
  std::int64_t overlap_ms = 60'000;
};

// The composition of the reconciliation pollers: one thread per configured
// shop with API credentials, so a slow or unreachable shop never delays
// another. Each thread, every shop.poll_interval:
//   1. polls every resource (connectors/<platform>/poller.h) into `sink`;
//   2. checks the webhook subscriptions and repairs what it can
//      (connectors/<platform>/webhook_subscriptions.h), with
//      daemon.public_url as the callback base;
//   3. records the outcome in its status and the metrics:
//      cartrelay_poll_runs_total{shop,resource,outcome=ok|error|throttled},
//      cartrelay_poll_last_success_timestamp_seconds{shop},
//      cartrelay_shop_subscription_healthy{shop} (1 for ok / re-registered).
// After a failed round the next one waits for the backoff instead of the
// interval. The shop's row id comes from core::store::ShopRepo::ensure.
//
// Config used per shop: name, platform, shop_domain / admin_api_url,
// api_version, api_token (Shopify); base_url, consumer_key,
// consumer_secret, webhook_secret (WooCommerce); poll_interval_ms,
// backfill_days. A Shopify shop needs api_token and shop_domain or
// admin_api_url; a WooCommerce shop base_url, consumer_key and
// consumer_secret; without them it is reported as disabled.
//
// The sink receives every polled change and must return OK only once the
// event is durably stored (kDuplicate counts as stored); it is called from
// several shop threads at once and must be thread-safe.
//
// stop() returns promptly: waits are on a condition variable and HTTP calls
// in flight are cancelled (core::net::CancelToken).
//
// Ownership: db, clock, metrics and the sink's captures must outlive this
// object; the config is copied. Thread-safety: all methods may be called from
// any thread.
class ShopPollers {
 public:
  using Sink = std::function<core::Status(core::model::InboxEvent&&)>;

  ShopPollers(const config::AppConfig& config, core::store::Database& db, core::Clock& clock,
              core::metrics::Metrics& metrics, Sink sink, ShopPollersOptions options = {});
  ShopPollers(const ShopPollers&) = delete;
  ShopPollers& operator=(const ShopPollers&) = delete;
  // Stops and joins the threads.
  ~ShopPollers();

  // Starts one thread per enabled shop; the first round begins at once.
  // Calling it again while running does nothing.
  void start();
  // Interrupts waits and HTTP calls in flight, joins every thread. Safe to
  // call twice; start() may be called again afterwards.
  void stop();

  // Wakes the shop's thread for a round now (admin API, tests). False for an
  // unknown or disabled shop.
  bool pollNow(const std::string& shop);

  // A copy of every shop's status, in configuration order.
  std::vector<ShopPollStatus> snapshot() const;

 private:
  struct Worker;
  struct RoundResult;

  void run(Worker& worker);
  RoundResult runRound(Worker& worker, std::int64_t shop_id);
  // The platform-independent part of a round: polls every resource with a
  // connector's Poller (options of type PollerOptions) over `client`, counts
  // each resource's outcome, then, unless stopping, runs `check_webhooks`.
  template <typename Poller, typename PollerOptions, typename Client, typename CheckWebhooks>
  RoundResult pollRound(Worker& worker, std::int64_t shop_id, Client& client,
                        CheckWebhooks check_webhooks);
  // Waits up to ms; false when stopping. `wake_on_poll_now` lets pollNow()
  // cut a wait between rounds (never a rate-limit wait inside one).
  bool waitFor(Worker& worker, std::int64_t ms, bool wake_on_poll_now);

  std::string public_url_;
  core::store::Database& db_;
  core::Clock& clock_;
  core::metrics::Metrics& metrics_;
  Sink sink_;
  ShopPollersOptions options_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool running_ = false;
  std::vector<std::unique_ptr<Worker>> workers_;
};

}  // namespace cartrelay::app
