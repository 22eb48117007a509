#include "app/shop_pollers.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "connectors/shopify/admin_graphql_client.h"
#include "connectors/shopify/poller.h"
#include "connectors/shopify/webhook_subscriptions.h"
#include "connectors/woocommerce/poller.h"
#include "connectors/woocommerce/rest_client.h"
#include "connectors/woocommerce/webhook_subscriptions.h"
#include "core/metrics/metrics.h"
#include "core/model/shop.h"
#include "core/store/database.h"
#include "core/store/shop_repo.h"
#include "core/util/log.h"

namespace cartrelay::app {
namespace {

constexpr std::int64_t kDefaultPollIntervalMs = 5 * 60'000;
constexpr std::size_t kMaxErrorText = 300;

std::optional<std::string> missingCredentials(const config::ShopConfig& shop) {
  if (shop.platform == "shopify") {
    if (shop.api_token.empty()) return "no api_token";
    if (shop.shop_domain.empty() && shop.admin_api_url.empty())
      return "no shop_domain or admin_api_url";
    return std::nullopt;
  }
  if (shop.platform == "woocommerce") {
    if (shop.base_url.empty()) return "no base_url";
    if (shop.consumer_key.empty() || shop.consumer_secret.empty())
      return "no consumer_key/consumer_secret";
    return std::nullopt;
  }
  return "unknown platform";
}

// Error texts come from our own Status messages, which never carry tokens,
// query strings or payloads; the cap keeps one odd exception text from
// bloating the status page.
std::string errorText(const core::Status& status) {
  std::string text = status.toString();
  if (text.size() > kMaxErrorText) text = text.substr(0, kMaxErrorText) + "...";
  return text;
}

nlohmann::json optionalJson(const std::optional<std::int64_t>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json();
}

}  // namespace

struct ShopPollers::Worker {
  config::ShopConfig shop;
  ShopPollStatus status;  // guarded by ShopPollers::mu_
  bool poll_now = false;  // guarded by ShopPollers::mu_
  core::net::CancelToken cancel;
  std::thread thread;
};

struct ShopPollers::RoundResult {
  core::Status status;  // first polling error
  std::int64_t events = 0;
  std::string health = "unknown";
  std::string health_detail;
  bool health_checked = false;
  bool healthy = false;
};

nlohmann::json toJson(const ShopPollStatus& s) {
  return {{"shop", s.shop},
          {"platform", s.platform},
          {"enabled", s.enabled},
          {"state", s.state},
          {"last_attempt_ms", optionalJson(s.last_attempt_ms)},
          {"last_success_ms", optionalJson(s.last_success_ms)},
          {"next_poll_ms", optionalJson(s.next_poll_ms)},
          {"last_error", s.last_error},
          {"consecutive_failures", s.consecutive_failures},
          {"rounds", s.rounds},
          {"events_last_round", s.events_last_round},
          {"subscription_health", s.subscription_health},
          {"subscription_detail", s.subscription_detail}};
}

nlohmann::json toJson(const std::vector<ShopPollStatus>& statuses) {
  nlohmann::json out = nlohmann::json::array();
  for (const ShopPollStatus& s : statuses) out.push_back(toJson(s));
  return out;
}

ShopPollers::ShopPollers(const config::AppConfig& config, core::store::Database& db,
                         core::Clock& clock, core::metrics::Metrics& metrics, Sink sink,
                         ShopPollersOptions options)
    : public_url_(config.daemon.public_url),
      db_(db),
      clock_(clock),
      metrics_(metrics),
      sink_(std::move(sink)),
      options_(std::move(options)) {
  if (!options_.random) options_.random = core::polling::defaultRandomSource();
  for (const config::ShopConfig& shop : config.shops) {
    auto worker = std::make_unique<Worker>();
    worker->shop = shop;
    worker->status.shop = shop.name;
    worker->status.platform = shop.platform;
    if (auto missing = missingCredentials(shop)) {
      worker->status.enabled = false;
      worker->status.state = "disabled";
      worker->status.last_error = "polling off: " + *missing + " (webhooks only)";
    } else {
      worker->status.enabled = true;
    }
    workers_.push_back(std::move(worker));
  }
}

ShopPollers::~ShopPollers() { stop(); }

void ShopPollers::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (running_) return;
  running_ = true;
  stopping_ = false;
  for (auto& worker : workers_) {
    if (!worker->status.enabled) continue;
    worker->cancel.reset();
    worker->status.state = "starting";
    Worker* w = worker.get();
    worker->thread = std::thread([this, w] { run(*w); });
  }
}

void ShopPollers::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!running_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& worker : workers_) worker->cancel.cancel();
  for (auto& worker : workers_) {
    if (worker->thread.joinable()) worker->thread.join();
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& worker : workers_) {
    if (worker->status.enabled) {
      worker->status.state = "stopped";
      worker->status.next_poll_ms.reset();
    }
  }
  running_ = false;
}

bool ShopPollers::pollNow(const std::string& shop) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = std::find_if(workers_.begin(), workers_.end(),
                           [&](const auto& w) { return w->shop.name == shop; });
    if (it == workers_.end() || !(*it)->status.enabled) return false;
    (*it)->poll_now = true;
  }
  cv_.notify_all();
  return true;
}

std::vector<ShopPollStatus> ShopPollers::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ShopPollStatus> out;
  out.reserve(workers_.size());
  for (const auto& worker : workers_) out.push_back(worker->status);
  return out;
}

bool ShopPollers::waitFor(Worker& worker, std::int64_t ms, bool wake_on_poll_now) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(std::max<std::int64_t>(ms, 0)),
               [&] { return stopping_ || (wake_on_poll_now && worker.poll_now); });
  if (wake_on_poll_now) worker.poll_now = false;
  return !stopping_;
}

template <typename Poller, typename PollerOptions, typename Client, typename CheckWebhooks>
ShopPollers::RoundResult ShopPollers::pollRound(Worker& worker, std::int64_t shop_id,
                                                Client& client, CheckWebhooks check_webhooks) {
  const config::ShopConfig& shop = worker.shop;
  PollerOptions poll_options;
  poll_options.shop_name = shop.name;
  poll_options.shop_id = shop_id;
  poll_options.backfill_days = shop.backfill_days;
  poll_options.overlap_ms = options_.overlap_ms;
  Poller poller(poll_options, client, db_, clock_, sink_);
  const auto round = poller.pollOnce();

  RoundResult result;
  for (const auto& r : round.resources) {
    const core::polling::ResourcePollStats& stats = r;
    result.events += stats.events;
    const char* outcome = !stats.status.isOk()         ? "error"
                          : stats.rate_limit_waits > 0 ? "throttled"
                                                       : "ok";
    // cursorKey is the connector's own (found by argument-dependent lookup
    // on its PollResource).
    metrics_.countPollRun(shop.name, cursorKey(r.resource), outcome);
  }
  result.status = round.firstError();
  if (!worker.cancel.cancelled()) {
    const auto check = check_webhooks();
    result.health_checked = true;
    result.health = check.health;
    result.health_detail = check.detail;
    result.healthy = check.healthy();
  }
  return result;
}

ShopPollers::RoundResult ShopPollers::runRound(Worker& worker, std::int64_t shop_id) {
  const config::ShopConfig& shop = worker.shop;
  core::net::DefaultHttpClient http(options_.http_limits, &worker.cancel);
  core::polling::WaitFn wait = [this, &worker](std::int64_t ms) {
    return waitFor(worker, ms, /*wake_on_poll_now=*/false);
  };

  if (shop.platform == "shopify") {
    namespace sh = connectors::shopify;
    sh::AdminApiOptions api;
    api.base_url = shop.admin_api_url.empty() ? "https://" + shop.shop_domain : shop.admin_api_url;
    api.api_version = shop.api_version.empty() ? "2026-07" : shop.api_version;
    api.access_token = shop.api_token;
    sh::AdminGraphqlClient client(api, http, clock_, wait);
    return pollRound<sh::Poller, sh::PollerOptions>(worker, shop_id, client, [&] {
      return sh::checkWebhookSubscriptions(client, shop.name, public_url_);
    });
  }

  namespace wc = connectors::woocommerce;
  wc::RestOptions rest;
  rest.base_url = shop.base_url;
  rest.consumer_key = shop.consumer_key;
  rest.consumer_secret = shop.consumer_secret;
  wc::RestClient client(rest, http, clock_, wait);
  return pollRound<wc::Poller, wc::PollerOptions>(worker, shop_id, client, [&] {
    return wc::checkWebhooks(client, shop.name, public_url_, shop.webhook_secret);
  });
}

void ShopPollers::run(Worker& worker) {
  const config::ShopConfig& shop = worker.shop;
  core::polling::Backoff backoff(options_.backoff, options_.random);
  const std::int64_t interval =
      std::max(shop.poll_interval_ms > 0 ? shop.poll_interval_ms : kDefaultPollIntervalMs,
               options_.min_poll_interval_ms);
  const auto platform = shop.platform == "shopify" ? core::model::Platform::kShopify
                                                   : core::model::Platform::kWooCommerce;
  std::int64_t shop_id = 0;
  core::log::info("poll.started").kv("shop", shop.name).kv("platform", shop.platform);

  // Bounded by stop(): every pass ends in a wait that returns false once stopping.
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) break;
      worker.status.state = "polling";
      worker.status.last_attempt_ms = clock_.nowMillis();
    }
    RoundResult round;
    if (shop_id == 0) {
      core::store::ShopRepo shops(clock_);
      auto id = db_.queryTransaction(
          [&](soci::session& s) { return shops.ensure(s, shop.name, platform); });
      if (id.isOk()) {
        shop_id = *id;
      } else {
        round.status = id.status().withContext("shop row");
      }
    }
    if (shop_id != 0) round = runRound(worker, shop_id);

    const core::EpochMillis now = clock_.nowMillis();
    // The next delay is known before the status is published, so a reader
    // never sees this round's outcome next to the previous round's
    // next_poll_ms.
    const std::int64_t delay = round.status.isOk() ? interval : backoff.nextDelayMs();
    if (round.status.isOk()) backoff.reset();
    {
      std::lock_guard<std::mutex> lock(mu_);
      // A round cut short by stop() says nothing about the shop: keep the
      // last real outcome.
      if (stopping_) break;
      ShopPollStatus& st = worker.status;
      ++st.rounds;
      st.events_last_round = round.events;
      if (round.health_checked) {
        st.subscription_health = round.health;
        st.subscription_detail = round.health_detail;
      }
      if (round.status.isOk()) {
        st.last_success_ms = now;
        st.last_error.clear();
        st.consecutive_failures = 0;
        st.state = "idle";
      } else {
        st.last_error = errorText(round.status);
        ++st.consecutive_failures;
        st.state = "backing_off";
      }
      st.next_poll_ms = now + delay;
    }
    if (round.health_checked) metrics_.setSubscriptionHealthy(shop.name, round.healthy);
    if (round.status.isOk()) {
      metrics_.setPollSuccessTime(shop.name, static_cast<double>(now) / 1000.0);
    } else {
      core::log::warn("poll.failed")
          .kv("shop", shop.name)
          .kv("failures", backoff.failures())
          .kv("retry_in_ms", delay)
          .status(round.status);
    }
    if (!waitFor(worker, delay, /*wake_on_poll_now=*/true)) break;
  }
  core::log::info("poll.stopped").kv("shop", shop.name);
}

}  // namespace cartrelay::app
