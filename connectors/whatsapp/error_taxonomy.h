#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// What a WhatsApp Cloud API error means for the sender: retry soon, retry this
// recipient later, wait a day, give up, record an opt-out, or halt the queue
// (shared/reference/whatsapp-cloud-api.md §2, "Error codes: meaning and handling").
//
// All functions are pure (no I/O, no clock, no shared state), safe from any
// thread, and never throw. Handling is keyed on Meta's numeric `code`, never on
// the HTTP status or the message text, except that a 5xx or 429 without a known
// code is treated as an outage or a throttle.
namespace cartrelay::whatsapp {

// One Graph API error, as returned synchronously by a send or reported in a
// status webhook's errors[]. `message` and `details` are Meta's text and may
// quote request content; log them only where personal data is allowed.
struct CloudApiError {
  int http_status = 0;         // HTTP status of the response; 0 for a webhook-reported error
  int code = 0;                // error.code; 0 when the body had none
  std::optional<int> subcode;  // error.error_subcode (deprecated by Meta, still sent for auth)
  std::string type;            // error.type, e.g. "OAuthException"
  std::string message;         // error.message
  std::string details;         // error.error_data.details
  std::string fbtrace_id;      // error.fbtrace_id, for Meta support tickets
};

// Parses a Graph error body {"error":{"code":..,"error_subcode":..,"type":..,
// "message":..,"error_data":{"details":..},"fbtrace_id":..}}. The bare error
// object of a webhook's errors[] ({"code":..,"title":..,"error_data":..}) is
// accepted too. Fields that are absent or of the wrong JSON type stay empty; a
// body that is not JSON or has neither shape gives code 0 with http_status
// set, so the caller still classifies it (by HTTP status).
CloudApiError parseCloudApiError(int http_status, std::string_view body);

// What the sender does with the message (and possibly the queue).
enum class ErrorAction {
  kRetry,           // transient throttle or outage: retry with exponential backoff + jitter
  kRetryBounded,    // generic/unknown failure: a few retries with backoff, then failed
  kRetryRecipient,  // 131056 pair rate limit: retry this recipient after 4^X s; others go on
  kWaitDay,         // 131049 per-user marketing limit: not before 24 h, else another error
  kNever,           // permanent for this message: mark failed, do not retry
  kOptOut,          // 131050: the user stopped marketing; record a marketing opt-out
  kHalt,            // account-wide (token, restriction, lock, payment): stop all sends.
                    // The message is not at fault; keep it pending until a human acts.
};

// Stable lower-case name of an action ("retry_recipient"), for logs and metrics.
std::string_view toString(ErrorAction action);

struct ErrorPolicy {
  ErrorAction action;
  bool alert;               // a human must look: account, config or template problem
  std::string_view reason;  // short snake_case, e.g. "throughput_limit"; static storage
  // First delay of the kRetry schedule for this code: seconds for the
  // per-number throughput limit (130429), minutes for app/WABA rate limits
  // and outages. 0 for the other actions (their schedule is fixed).
  std::int64_t retry_base_ms = 0;
};

// The policy for an error, from Meta's code (reference §2):
//   kRetry          130429 (seconds scale); 4, 80007, 131016 (minutes scale);
//                   HTTP 429 without a known code (seconds scale)
//   kRetryBounded   131000, 1, 2, and HTTP 5xx without a known code
//   kRetryRecipient 131056
//   kWaitDay        131049
//   kNever          131047, 131026, 132000, 132001, 132012, 132015, 132016, 131048,
//                   131064, 130472, 131063, 131062, 131053, and every other code
//   kOptOut         131050
//   kHalt           190, 368, 131031, 131042 (always alert)
// alert is also set for template/config problems: 132000, 132001, 132012,
// 132015, 132016, 131064, 131063.
ErrorPolicy classifyError(const CloudApiError& error);

// What a send error says about the template's state at Meta, in the
// template registry's terms: 132015 "PAUSED", 132016 "DISABLED", 132001
// (no such template in that language) "DELETED"; "" for every other code.
std::string_view templateStatusOf(int code);

// Delay in ms before retry number `attempt` (1 = the first retry), with
// `jitter01` in [0,1) spreading retries out (values outside are clamped; NaN
// counts as 0). The result is nominal(attempt) + jitter, where the jitter is
// at most a quarter of the nominal delay (at most 1 h for kWaitDay):
//   kRetry          base x 2^(attempt-1), capped at 30 min; base 2 s here, see
//                   the ErrorPolicy overload for the per-code base
//   kRetryBounded   5 s x 4^(attempt-1): 5 s, 20 s, 80 s
//   kRetryRecipient 4^(attempt-1) s: 1, 4, 16, 64, 256 s (Meta: "4^X seconds")
//   kWaitDay        24 h for every attempt
// kNever, kOptOut and kHalt schedule no retry and give 0. attempt < 1 counts
// as 1; past maxAttempts the last delay's nominal value is kept.
std::int64_t retryDelayMs(ErrorAction action, int attempt, double jitter01);

// As above, but kRetry starts from policy.retry_base_ms (when > 0), so an
// app-level rate limit (code 4) backs off in minutes while 130429 backs off in
// seconds. Prefer this overload in the sender.
std::int64_t retryDelayMs(const ErrorPolicy& policy, int attempt, double jitter01);

// How many retries an action allows before the message is given up as failed:
// kRetry 8, kRetryBounded 3, kRetryRecipient 5, kWaitDay 1; 0 for kNever,
// kOptOut and kHalt (kHalt does not fail the message; see ErrorAction).
int maxAttempts(ErrorAction action);

}  // namespace cartrelay::whatsapp
