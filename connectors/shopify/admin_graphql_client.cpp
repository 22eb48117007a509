#include "connectors/shopify/admin_graphql_client.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace cartrelay::connectors::shopify {
namespace {

using core::Result;
using core::Status;
using Json = nlohmann::json;

constexpr std::int64_t kDefaultRetryAfterMs = 1000;
constexpr std::size_t kMaxErrorText = 160;

double numberAt(const Json& object, const char* key) {
  if (!object.is_object()) return 0;
  auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return 0;
  return it->get<double>();
}

std::string trimmedBase(std::string base) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

// The first GraphQL error as "CODE: message" (truncated): enough to tell a
// missing scope from a wrong field, and free of tokens. Shopify's messages
// name fields and types, not customer data.
std::string describeErrors(const Json& errors) {
  const Json& first = errors.front();
  std::string code;
  std::string message;
  if (first.is_object()) {
    auto ext = first.find("extensions");
    if (ext != first.end() && ext->is_object()) {
      auto c = ext->find("code");
      if (c != ext->end() && c->is_string()) code = c->get<std::string>();
    }
    auto m = first.find("message");
    if (m != first.end() && m->is_string()) message = m->get<std::string>();
  } else if (first.is_string()) {
    message = first.get<std::string>();
  }
  if (message.size() > kMaxErrorText) message = message.substr(0, kMaxErrorText) + "...";
  return code.empty() ? message : code + ": " + message;
}

bool isThrottled(const Json& errors) {
  for (const Json& error : errors) {
    if (!error.is_object()) continue;
    auto ext = error.find("extensions");
    if (ext != error.end() && ext->is_object()) {
      auto code = ext->find("code");
      if (code != ext->end() && code->is_string() && *code == "THROTTLED") return true;
    }
    auto message = error.find("message");
    if (message != error.end() && message->is_string() && *message == "Throttled") return true;
  }
  return false;
}

}  // namespace

AdminGraphqlClient::AdminGraphqlClient(AdminApiOptions options, core::net::HttpClient& http,
                                       const core::Clock& clock, core::polling::WaitFn wait)
    : options_(std::move(options)), http_(http), clock_(clock), wait_(std::move(wait)) {
  endpoint_ =
      trimmedBase(options_.base_url) + "/admin/api/" + options_.api_version + "/graphql.json";
  options_.max_throttle_retries = std::max(options_.max_throttle_retries, 0);
  options_.max_throttle_wait_ms = std::max<std::int64_t>(options_.max_throttle_wait_ms, 1);
}

bool AdminGraphqlClient::waitMs(std::int64_t ms) {
  ++throttle_waits_;
  ms = std::clamp<std::int64_t>(ms, 1, options_.max_throttle_wait_ms);
  return wait_ ? wait_(ms) : true;
}

bool AdminGraphqlClient::waitForBudget(double cost) {
  if (!throttle_ || cost <= 0) return true;
  const ThrottleState& t = *throttle_;
  const double elapsed_s =
      static_cast<double>(std::max<core::EpochMillis>(clock_.nowMillis() - t.observed_at_ms, 0)) /
      1000.0;
  double projected = t.currently_available + t.restore_rate * elapsed_s;
  if (t.maximum_available > 0) projected = std::min(projected, t.maximum_available);
  if (projected >= cost) return true;
  if (t.restore_rate <= 0) return waitMs(kDefaultRetryAfterMs);
  const double wait_s = (cost - projected) / t.restore_rate;
  return waitMs(static_cast<std::int64_t>(std::ceil(wait_s * 1000.0)));
}

void AdminGraphqlClient::noteCost(const std::string& query, const Json& response) {
  if (!response.is_object()) return;
  auto ext = response.find("extensions");
  if (ext == response.end() || !ext->is_object()) return;
  auto cost = ext->find("cost");
  if (cost == ext->end() || !cost->is_object()) return;
  const double requested = numberAt(*cost, "requestedQueryCost");
  if (requested > 0) expected_costs_[query] = requested;
  auto status = cost->find("throttleStatus");
  if (status == cost->end() || !status->is_object()) return;
  ThrottleState state;
  state.maximum_available = numberAt(*status, "maximumAvailable");
  state.currently_available = numberAt(*status, "currentlyAvailable");
  state.restore_rate = numberAt(*status, "restoreRate");
  state.observed_at_ms = clock_.nowMillis();
  throttle_ = state;
}

Result<Json> AdminGraphqlClient::execute(const std::string& query, const Json& variables) {
  core::net::HttpRequest request;
  request.method = "POST";
  request.url = endpoint_;
  request.headers = {{"Content-Type", "application/json"},
                     {"Accept", "application/json"},
                     {"X-Shopify-Access-Token", options_.access_token}};
  Json payload = {{"query", query},
                  {"variables", variables.is_null() ? Json::object() : variables}};
  request.body = payload.dump();

  for (int attempt = 0; attempt <= options_.max_throttle_retries; ++attempt) {
    auto expected = expected_costs_.find(query);
    if (expected != expected_costs_.end() && !waitForBudget(expected->second))
      return Status::unavailable("shopify graphql: interrupted while waiting for rate limit");

    auto sent = http_.send(request);
    if (!sent.isOk()) return sent.status().withContext("shopify graphql");
    const core::net::HttpResponse& response = *sent;

    if (response.status == 429) {
      const auto header = response.header("Retry-After");
      std::optional<std::int64_t> delay;
      if (header) delay = core::polling::parseRetryAfterMs(*header, clock_.nowMillis());
      if (!waitMs(delay.value_or(kDefaultRetryAfterMs)))
        return Status::unavailable("shopify graphql: interrupted while waiting for rate limit");
      continue;
    }
    if (response.status == 401 || response.status == 403)
      return Status::unauthenticated("shopify graphql: HTTP " + std::to_string(response.status) +
                                     " (check api_token and its scopes)");
    if (response.status >= 500)
      return Status::unavailable("shopify graphql: HTTP " + std::to_string(response.status));
    if (response.status != 200)
      return Status::permanent("shopify graphql: HTTP " + std::to_string(response.status));

    Json body = Json::parse(response.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object())
      return Status::unavailable("shopify graphql: response is not a JSON object");
    noteCost(query, body);

    auto errors = body.find("errors");
    if (errors != body.end() && errors->is_array() && !errors->empty()) {
      if (isThrottled(*errors)) {
        // Wait for what the throttled call asked for; if Shopify sent no
        // cost figures, a second.
        const double cost = numberAt(body["extensions"]["cost"], "requestedQueryCost");
        bool waited_ok = true;
        const int before = throttle_waits_;
        if (throttle_ && cost > 0) waited_ok = waitForBudget(cost);
        if (waited_ok && throttle_waits_ == before) waited_ok = waitMs(kDefaultRetryAfterMs);
        if (!waited_ok)
          return Status::unavailable("shopify graphql: interrupted while waiting for rate limit");
        continue;
      }
      return Status::permanent("shopify graphql: " + describeErrors(*errors));
    }
    auto data = body.find("data");
    if (data == body.end() || !data->is_object())
      return Status::permanent("shopify graphql: response has no data");
    return std::move(*data);
  }
  return Status::unavailable("shopify graphql: still throttled after " +
                             std::to_string(options_.max_throttle_retries) + " retries");
}

}  // namespace cartrelay::connectors::shopify
