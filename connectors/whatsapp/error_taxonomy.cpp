#include "connectors/whatsapp/error_taxonomy.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

namespace cartrelay::whatsapp {

namespace {

using nlohmann::json;

constexpr std::int64_t kSecond = 1000;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kHour = 60 * kMinute;

// kRetry scales. 130429 is the per-number throughput limit, which clears as
// soon as the send rate drops, so seconds suffice; codes 4 and 80007 are
// hourly-budget rate limits and 131016 an outage, where retrying within
// seconds only burns more of the budget (reference §2, §3).
constexpr std::int64_t kRetryBaseSeconds = 2 * kSecond;
constexpr std::int64_t kRetryBaseMinutes = kMinute;

std::optional<int> intField(const json& obj, const char* key) {
  const auto it = obj.find(key);
  if (it == obj.end() || !it->is_number_integer()) return std::nullopt;
  // is_number_integer() covers unsigned too; range-check before narrowing.
  if (it->is_number_unsigned()) {
    const auto v = it->get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) return std::nullopt;
    return static_cast<int>(v);
  }
  const auto v = it->get<std::int64_t>();
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
    return std::nullopt;
  }
  return static_cast<int>(v);
}

std::string stringField(const json& obj, const char* key) {
  const auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

ErrorPolicy policy(ErrorAction action, bool alert, std::string_view reason,
                   std::int64_t retry_base_ms = 0) {
  return ErrorPolicy{action, alert, reason, retry_base_ms};
}

struct Schedule {
  std::int64_t base_ms;
  std::int64_t factor;
  std::int64_t cap_ms;
  double jitter_fraction;  // of the nominal delay
  std::int64_t jitter_cap_ms;
};

std::optional<Schedule> scheduleFor(ErrorAction action) {
  constexpr double kQuarter = 0.25;
  constexpr std::int64_t kNoCap = std::numeric_limits<std::int64_t>::max();
  switch (action) {
    case ErrorAction::kRetry:
      return Schedule{kRetryBaseSeconds, 2, 30 * kMinute, kQuarter, kNoCap};
    case ErrorAction::kRetryBounded:
      return Schedule{5 * kSecond, 4, 80 * kSecond, kQuarter, kNoCap};
    case ErrorAction::kRetryRecipient:
      // Meta, about-the-platform: "retry after 4^X seconds (X=0,1,2…)".
      return Schedule{kSecond, 4, 256 * kSecond, kQuarter, kNoCap};
    case ErrorAction::kWaitDay:
      // pywa's copy of Meta's 131049 text: "wait at least 24 hours before
      // resending"; jitter only ever adds, and an hour is spread enough.
      return Schedule{24 * kHour, 1, 24 * kHour, kQuarter, kHour};
    case ErrorAction::kNever:
    case ErrorAction::kOptOut:
    case ErrorAction::kHalt:
      break;
  }
  return std::nullopt;
}

}  // namespace

CloudApiError parseCloudApiError(int http_status, std::string_view body) {
  CloudApiError out;
  out.http_status = http_status;
  // No exceptions: a proxy's HTML error page is as likely as Meta's JSON.
  const json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return out;
  const json* error = nullptr;
  if (const auto it = doc.find("error"); it != doc.end() && it->is_object()) {
    error = &*it;
  } else if (doc.contains("code")) {
    error = &doc;  // a webhook errors[] entry
  }
  if (error == nullptr) return out;

  out.code = intField(*error, "code").value_or(0);
  out.subcode = intField(*error, "error_subcode");
  out.type = stringField(*error, "type");
  out.message = stringField(*error, "message");
  if (const auto it = error->find("error_data"); it != error->end() && it->is_object()) {
    out.details = stringField(*it, "details");
  }
  out.fbtrace_id = stringField(*error, "fbtrace_id");
  return out;
}

std::string_view toString(ErrorAction action) {
  switch (action) {
    case ErrorAction::kRetry:
      return "retry";
    case ErrorAction::kRetryBounded:
      return "retry_bounded";
    case ErrorAction::kRetryRecipient:
      return "retry_recipient";
    case ErrorAction::kWaitDay:
      return "wait_day";
    case ErrorAction::kNever:
      return "never";
    case ErrorAction::kOptOut:
      return "opt_out";
    case ErrorAction::kHalt:
      return "halt";
  }
  return "unknown";
}

ErrorPolicy classifyError(const CloudApiError& error) {
  using A = ErrorAction;
  // Codes and handling: shared/reference/whatsapp-cloud-api.md §2.
  switch (error.code) {
    // Throttles and outages: retry with backoff.
    case 130429:
      return policy(A::kRetry, false, "throughput_limit", kRetryBaseSeconds);
    case 4:
      return policy(A::kRetry, false, "app_rate_limit", kRetryBaseMinutes);
    case 80007:
      return policy(A::kRetry, false, "waba_rate_limit", kRetryBaseMinutes);
    case 131016:
      return policy(A::kRetry, false, "service_unavailable", kRetryBaseMinutes);
    // Generic failures: chatwoot#12179 sees 131000 intermittently, so a few
    // tries, but never an endless loop on a request Meta keeps refusing.
    case 131000:
      return policy(A::kRetryBounded, false, "generic_error");
    case 1:
      return policy(A::kRetryBounded, false, "api_unknown");
    case 2:
      return policy(A::kRetryBounded, false, "api_service");
    case 131056:
      return policy(A::kRetryRecipient, false, "pair_rate_limit");
    case 131049:
      return policy(A::kWaitDay, false, "per_user_marketing_limit");
    case 131050:
      return policy(A::kOptOut, false, "marketing_opt_out");

    // Permanent for this message.
    case 131047:
      return policy(A::kNever, false, "reengagement_required");
    case 131026:
      return policy(A::kNever, false, "undeliverable");
    case 131048:
      return policy(A::kNever, false, "spam_rate_limit");
    case 130472:
      return policy(A::kNever, false, "experiment_holdout");
    case 131062:
      return policy(A::kNever, false, "bsuid_unsupported");
    case 131053:
      return policy(A::kNever, false, "media_upload_error");
    // Template or configuration problems: every send of that template fails
    // the same way until someone fixes the config or the template.
    case 132000:
      return policy(A::kNever, true, "param_count_mismatch");
    case 132001:
      return policy(A::kNever, true, "template_not_found");
    case 132012:
      return policy(A::kNever, true, "param_format_mismatch");
    case 132015:
      return policy(A::kNever, true, "template_paused");
    case 132016:
      return policy(A::kNever, true, "template_disabled");
    case 131064:
      return policy(A::kNever, true, "template_classification_limit");
    case 131063:
      return policy(A::kNever, true, "marketing_disabled_on_cloud_api");

    // Account-wide: every further send fails too, so stop the queue.
    case 190:
      return policy(A::kHalt, true, "access_token_invalid");
    case 368:
      return policy(A::kHalt, true, "account_restricted");
    case 131031:
      return policy(A::kHalt, true, "account_locked");
    case 131042:
      return policy(A::kHalt, true, "payment_problem");
    default:
      break;
  }
  // No known code: only the HTTP status is left to go on.
  if (error.http_status >= 500 && error.http_status <= 599) {
    return policy(A::kRetryBounded, false, "server_error");
  }
  if (error.http_status == 429)
    return policy(A::kRetry, false, "http_throttled", kRetryBaseSeconds);
  return policy(A::kNever, false, "unknown_error");
}

std::int64_t retryDelayMs(ErrorAction action, int attempt, double jitter01) {
  const auto schedule = scheduleFor(action);
  if (!schedule) return 0;
  return retryDelayMs(policy(action, false, "", schedule->base_ms), attempt, jitter01);
}

std::int64_t retryDelayMs(const ErrorPolicy& p, int attempt, double jitter01) {
  auto schedule = scheduleFor(p.action);
  if (!schedule) return 0;
  if (p.action == ErrorAction::kRetry && p.retry_base_ms > 0) schedule->base_ms = p.retry_base_ms;

  // Past the last allowed attempt the delay stops growing, so a caller that
  // keeps going (e.g. a halted queue resumed) never overflows.
  const int steps = std::clamp(attempt, 1, std::max(1, maxAttempts(p.action))) - 1;
  std::int64_t nominal = std::min(schedule->base_ms, schedule->cap_ms);
  for (int i = 0; i < steps && nominal < schedule->cap_ms; ++i) {
    nominal = std::min(nominal * schedule->factor, schedule->cap_ms);
  }

  // Jitter only adds, so no retry comes sooner than the documented minimum
  // (4^X s for 131056, 24 h for 131049).
  double j = std::isnan(jitter01) ? 0.0 : std::clamp(jitter01, 0.0, 1.0);
  if (j >= 1.0) j = std::nextafter(1.0, 0.0);
  const auto jitter = std::min(static_cast<std::int64_t>(std::floor(static_cast<double>(nominal) *
                                                                    schedule->jitter_fraction * j)),
                               schedule->jitter_cap_ms);
  return nominal + jitter;
}

int maxAttempts(ErrorAction action) {
  switch (action) {
    case ErrorAction::kRetry:
      return 8;
    case ErrorAction::kRetryBounded:
      return 3;
    case ErrorAction::kRetryRecipient:
      return 5;
    case ErrorAction::kWaitDay:
      return 1;
    case ErrorAction::kNever:
    case ErrorAction::kOptOut:
    case ErrorAction::kHalt:
      return 0;
  }
  return 0;
}

std::string_view templateStatusOf(int code) {
  switch (code) {
    case 132015:
      return "PAUSED";
    case 132016:
      return "DISABLED";
    case 132001:
      return "DELETED";
    default:
      return {};
  }
}

}  // namespace cartrelay::whatsapp
