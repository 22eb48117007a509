#include "compliance/iys_client.h"

#include <cctype>
#include <cstdio>
#include <initializer_list>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/util/log.h"
#include "core/util/url_encoding.h"

namespace cartrelay::compliance {
namespace {

using core::percentEncode;
using core::Result;
using core::Status;
using core::net::HttpRequest;
using core::net::HttpResponse;
using Json = nlohmann::json;

constexpr const char* kTimeZone = "Europe/Istanbul";
// A cached token is replaced this long before İYS says it expires, so a
// request never leaves with a token that dies in flight.
constexpr core::EpochMillis kTokenMarginMs = 60'000;
// Longest İYS error code kept in a Status message.
constexpr std::size_t kMaxErrorCode = 40;

const core::Clock& systemClock() {
  static const core::SystemClock clock;
  return clock;
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// E.164: '+' and 8 to 15 digits. Checked before sending so a malformed
// number is refused locally instead of in İYS's (recipient-quoting) error.
bool isE164(std::string_view text) {
  if (text.size() < 9 || text.size() > 16 || text[0] != '+' || text[1] == '0') return false;
  for (std::size_t i = 1; i < text.size(); ++i) {
    if (!isDigit(text[i])) return false;
  }
  return true;
}

bool oneOf(std::string_view value, std::initializer_list<std::string_view> allowed) {
  for (std::string_view a : allowed) {
    if (value == a) return true;
  }
  return false;
}

bool isRecipientType(std::string_view v) { return oneOf(v, {"BIREYSEL", "TACIR"}); }
bool isConsentType(std::string_view v) { return oneOf(v, {"ARAMA", "MESAJ", "EPOSTA"}); }
bool isConsentStatus(std::string_view v) { return oneOf(v, {"ONAY", "RET"}); }

// İYS source names are upper-case identifiers (HS_WEB, HS_MESAJ, ...).
bool isSourceName(std::string_view v) {
  if (v.empty() || v.size() > 64) return false;
  for (char c : v) {
    if (!(std::isupper(static_cast<unsigned char>(c)) || isDigit(c) || c == '_')) return false;
  }
  return true;
}

// A string field; integers are accepted too because public clients disagree
// on whether ids such as transactionId are strings or numbers.
std::string field(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer() || it->is_number_unsigned()) return it->dump();
  return {};
}

// İYS's error code from {"errors":[{"code":..}]} (or a top-level "code"),
// or "" when there is none or it does not look like a code. The message next
// to it is never used: it may quote the recipient. A code is kept only if it
// is a short identifier without a run of 7+ digits, so not even a phone
// number sent back in the code field can reach a Status message.
std::string errorCode(const std::string& body) {
  const Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) return {};
  std::string code;
  auto errors = parsed.find("errors");
  if (errors != parsed.end() && errors->is_array() && !errors->empty() &&
      errors->front().is_object()) {
    code = field(errors->front(), "code");
  }
  if (code.empty()) code = field(parsed, "code");
  if (code.empty() || code.size() > kMaxErrorCode) return {};
  int digit_run = 0;
  for (char c : code) {
    const auto u = static_cast<unsigned char>(c);
    if (!(std::isalnum(u) || c == '_' || c == '-' || c == '.')) return {};
    digit_run = isDigit(c) ? digit_run + 1 : 0;
    if (digit_run >= 7) return {};
  }
  return code;
}

// The Status for a non-2xx answer other than the 401 sendAuthorized() handles
// (and the 404 status() handles).
Status httpFailure(std::string_view op, const HttpResponse& response) {
  const int code = response.status;
  std::string message = std::string(op) + ": HTTP " + std::to_string(code);
  if (code == 429) {
    message += " (rate limited";
    const auto retry_after = response.header("Retry-After");
    if (retry_after && !retry_after->empty() && retry_after->size() <= 6) {
      bool digits = true;
      for (char c : *retry_after) digits = digits && isDigit(c);
      if (digits) message += ", retry after " + *retry_after + " s";
    }
    return Status::unavailable(message + ")");
  }
  if (code >= 500) return Status::unavailable(message + " (server error)");
  if (code == 400 || code == 422) {
    const std::string iys_code = errorCode(response.body);
    if (!iys_code.empty()) message += " (iys error code " + iys_code + ")";
    return Status::invalidArgument(message);
  }
  if (code == 401) return Status::unauthenticated(message);
  return Status::permanent(message);
}

bool isSuccess(const HttpResponse& response) {
  return response.status >= 200 && response.status < 300;
}

// The answer's JSON object, or kUnavailable: a proxy's HTML error page or a
// truncated body means İYS is not answering properly, which is worth a retry.
Result<Json> jsonObject(std::string_view op, const HttpResponse& response) {
  Json parsed = Json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object())
    return Status::unavailable(std::string(op) + ": malformed answer (not a JSON object)");
  return parsed;
}

Status malformed(std::string_view op, std::string_view what) {
  return Status::unavailable(std::string(op) + ": malformed answer (" + std::string(what) + ")");
}

// Runs one public operation: nothing thrown escapes (a bug or bad_alloc
// becomes kInternal without the exception text, which could carry data), and
// failures are logged once here so callers need not repeat op names.
template <typename T, typename F>
Result<T> guarded(std::string_view op, F&& body) {
  try {
    Result<T> result = body();
    if (!result.isOk() && result.status().code() != Status::Code::kNotFound)
      core::log::warn("iys.request_failed").kv("op", op).status(result.status());
    return result;
  } catch (...) {
    Status failed = Status::internal(std::string(op) + ": unexpected exception");
    core::log::error("iys.request_failed").kv("op", op).status(failed);
    return failed;
  }
}

}  // namespace

core::net::FetchLimits iysFetchLimits(const IysOptions& options) {
  core::net::FetchLimits limits;
  const std::int64_t timeout = options.timeout_ms > 0 ? options.timeout_ms : 10'000;
  limits.connect_timeout_ms = timeout;
  limits.total_timeout_ms = timeout;
  limits.max_body_bytes = 4u * 1024u * 1024u;  // a changes page is far smaller
  return limits;
}

std::string formatIysDate(core::EpochMillis utc, const core::TimeZone& zone) {
  const core::TimeZone::Local t = zone.localAt(utc);
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d:%02d", t.year, t.month, t.day, t.hour,
                t.minute, t.second);
  return text;
}

Result<core::EpochMillis> parseIysDate(std::string_view text, const core::TimeZone& zone) {
  const Status bad = Status::invalidArgument("iys date: expected \"YYYY-MM-DD HH:MM:SS\"");
  if (text.size() != 19) return bad;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char expected = i == 4 || i == 7 ? '-' : i == 10 ? ' ' : i == 13 || i == 16 ? ':' : '0';
    if (expected == '0' ? !isDigit(text[i]) : text[i] != expected) return bad;
  }
  auto number = [&](std::size_t pos, std::size_t len) {
    int value = 0;
    for (std::size_t i = pos; i < pos + len; ++i) value = value * 10 + (text[i] - '0');
    return value;
  };
  const int year = number(0, 4), month = number(5, 2), day = number(8, 2);
  const int hour = number(11, 2), minute = number(14, 2), second = number(17, 2);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59)
    return bad;
  // utcOf has minute resolution; seconds are added afterwards. The round trip
  // through localAt rejects dates that do not exist (30 February) and wall
  // times skipped by a clock change, which utcOf would silently move.
  const core::EpochMillis minute_start = zone.utcOf(year, month, day, hour, minute);
  const core::TimeZone::Local back = zone.localAt(minute_start);
  if (back.year != year || back.month != month || back.day != day || back.hour != hour ||
      back.minute != minute) {
    return bad;
  }
  return minute_start + static_cast<core::EpochMillis>(second) * 1000;
}

IysClient::IysClient(IysOptions options, core::net::HttpClient& http)
    : IysClient(std::move(options), http, systemClock()) {}

IysClient::IysClient(IysOptions options, core::net::HttpClient& http, const core::Clock& clock)
    : options_(std::move(options)), http_(http), clock_(clock) {
  base_url_ = options_.base_url;
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
  consents_url_ = base_url_ + "/sps/" + percentEncode(options_.iys_code) + "/brands/" +
                  percentEncode(options_.brand_code) + "/consents";
  // consentDate is Türkiye wall-clock time. Türkiye has kept UTC+3 all year
  // since 2016, but the offset comes from tzdata so a future change arrives
  // with `apt upgrade` instead of a code change.
  auto zone = core::TimeZone::load(kTimeZone);
  if (zone.isOk()) {
    zone_ = std::move(zone).value();
  } else {
    zone_error_ = Status::internal(std::string("iys: cannot load time zone ") + kTimeZone + ": " +
                                   zone.status().message());
  }
}

Result<std::string> IysClient::bearerToken() {
  // Held across the token request on purpose: concurrent callers then wait
  // for one token instead of each asking İYS for its own.
  std::lock_guard<std::mutex> lock(token_mu_);
  const core::EpochMillis now = clock_.nowMillis();
  if (!token_.empty() && now < token_refresh_at_) return token_;
  token_.clear();

  HttpRequest request;
  request.method = "POST";
  request.url = base_url_ + "/oauth2/token";
  request.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
  const Json credentials = {
      {"username", options_.username}, {"password", options_.password}, {"grant_type", "password"}};
  request.body = credentials.dump();
  auto sent = http_.send(request);
  if (!sent.isOk()) return sent.status().withContext("iys token");
  const HttpResponse& response = *sent;
  // OAuth2 answers wrong credentials with 400 invalid_grant (RFC 6749 5.2);
  // some servers use 401. Either way retrying will not help.
  if (response.status == 400 || response.status == 401)
    return Status::unauthenticated("iys token: HTTP " + std::to_string(response.status) +
                                   " (check username and password)");
  if (!isSuccess(response)) return httpFailure("iys token", response);
  CARTRELAY_ASSIGN_OR_RETURN(Json body, jsonObject("iys token", response));
  std::string token = field(body, "access_token");
  if (token.empty()) return malformed("iys token", "no access_token");
  // expires_in is a number of seconds; a digit string is accepted too. An
  // absurd value is ignored rather than converted (out-of-range double to
  // integer conversion is undefined).
  constexpr double kMaxLifetimeS = 10.0 * 365 * 24 * 3600;
  std::int64_t expires_in = 0;
  auto expires = body.find("expires_in");
  if (expires != body.end() && expires->is_number()) {
    const double seconds = expires->get<double>();
    if (seconds > 0 && seconds < kMaxLifetimeS) expires_in = static_cast<std::int64_t>(seconds);
  } else if (expires != body.end() && expires->is_string()) {
    const std::string text = expires->get<std::string>();
    bool digits = !text.empty() && text.size() <= 9;
    for (char c : text) digits = digits && isDigit(c);
    if (digits) expires_in = std::stoll(text);
  }
  // A token without a usable lifetime is used for this request only.
  token_refresh_at_ = now;
  if (expires_in > 0) token_refresh_at_ = now + expires_in * 1000 - kTokenMarginMs;
  token_ = token;
  core::log::info("iys.token_obtained").kv("expires_in_s", expires_in);
  return token;
}

void IysClient::dropToken(const std::string& token) {
  std::lock_guard<std::mutex> lock(token_mu_);
  // Another thread may already have replaced it; keep that newer token.
  if (token_ == token) token_.clear();
}

Result<HttpResponse> IysClient::sendAuthorized(std::string_view op, HttpRequest request) {
  request.headers.emplace_back("Accept", "application/json");
  if (!request.body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  // A 401 can mean the token was revoked or expired early on İYS's side:
  // one fresh token and one retry. A second 401 is not a stale token.
  for (int attempt = 0; attempt < 2; ++attempt) {
    CARTRELAY_ASSIGN_OR_RETURN(std::string token, bearerToken());
    HttpRequest authorized = request;
    authorized.headers.emplace_back("Authorization", "Bearer " + token);
    auto sent = http_.send(authorized);
    if (!sent.isOk()) return sent.status().withContext(op);
    if (sent->status != 401) return sent;
    dropToken(token);
  }
  return Status::unauthenticated(std::string(op) + ": HTTP 401 even with a fresh token");
}

Result<IysRegistration> IysClient::addConsent(const IysConsent& consent) {
  return guarded<IysRegistration>("iys consents", [&] { return addConsentImpl(consent); });
}

Result<IysStatusAnswer> IysClient::status(const std::string& recipient,
                                          const std::string& recipient_type,
                                          const std::string& type) {
  return guarded<IysStatusAnswer>("iys status",
                                  [&] { return statusImpl(recipient, recipient_type, type); });
}

Result<IysChangesPage> IysClient::changes(const std::string& after, int limit) {
  return guarded<IysChangesPage>("iys changes", [&] { return changesImpl(after, limit); });
}

Result<IysRegistration> IysClient::addConsentImpl(const IysConsent& consent) {
  constexpr std::string_view kOp = "iys consents";
  if (!zone_) return zone_error_;
  // Validation messages name the field, never its value.
  if (!isE164(consent.recipient))
    return Status::invalidArgument("iys consents: recipient is not an E.164 number");
  if (!isRecipientType(consent.recipient_type))
    return Status::invalidArgument("iys consents: recipient_type must be BIREYSEL or TACIR");
  if (!isConsentType(consent.type))
    return Status::invalidArgument("iys consents: type must be ARAMA, MESAJ or EPOSTA");
  if (!isConsentStatus(consent.status))
    return Status::invalidArgument("iys consents: status must be ONAY or RET");
  const bool individual = consent.recipient_type == "BIREYSEL";
  // İYS makes source and consentDate optional only for TACIR.
  if (individual && consent.source.empty())
    return Status::invalidArgument("iys consents: source is required for BIREYSEL");
  if (!consent.source.empty() && !isSourceName(consent.source))
    return Status::invalidArgument("iys consents: source is not an IYS source name");
  if (individual && consent.consent_at <= 0)
    return Status::invalidArgument("iys consents: consent_at is required for BIREYSEL");

  Json body = {{"recipient", consent.recipient},
               {"recipientType", consent.recipient_type},
               {"type", consent.type},
               {"status", consent.status}};
  if (!consent.source.empty()) body["source"] = consent.source;
  if (consent.consent_at > 0) body["consentDate"] = formatIysDate(consent.consent_at, *zone_);

  HttpRequest request;
  request.method = "POST";
  request.url = consents_url_;
  request.body = body.dump();
  CARTRELAY_ASSIGN_OR_RETURN(HttpResponse response, sendAuthorized(kOp, std::move(request)));
  if (!isSuccess(response)) return httpFailure(kOp, response);
  CARTRELAY_ASSIGN_OR_RETURN(Json answer, jsonObject(kOp, response));
  IysRegistration registration;
  registration.transaction_id = field(answer, "transactionId");
  registration.creation_date = field(answer, "creationDate");
  // Without the transactionId the registration cannot be proven (rule 8), so
  // an answer lacking it is treated like no answer.
  if (registration.transaction_id.empty()) return malformed(kOp, "no transactionId");
  return registration;
}

Result<IysStatusAnswer> IysClient::statusImpl(const std::string& recipient,
                                              const std::string& recipient_type,
                                              const std::string& type) {
  constexpr std::string_view kOp = "iys status";
  if (!zone_) return zone_error_;
  if (!isE164(recipient))
    return Status::invalidArgument("iys status: recipient is not an E.164 number");
  if (!isRecipientType(recipient_type))
    return Status::invalidArgument("iys status: recipient_type must be BIREYSEL or TACIR");
  if (!isConsentType(type))
    return Status::invalidArgument("iys status: type must be ARAMA, MESAJ or EPOSTA");

  HttpRequest request;
  request.method = "POST";
  request.url = consents_url_ + "/status";
  request.body =
      Json{{"recipient", recipient}, {"recipientType", recipient_type}, {"type", type}}.dump();
  CARTRELAY_ASSIGN_OR_RETURN(HttpResponse response, sendAuthorized(kOp, std::move(request)));
  if (response.status == 404) return Status::notFound("iys status: no record in IYS");
  if (!isSuccess(response)) return httpFailure(kOp, response);
  CARTRELAY_ASSIGN_OR_RETURN(Json answer, jsonObject(kOp, response));

  IysStatusAnswer out;
  out.status = field(answer, "status");
  // Anything but ONAY/RET must not be read as either: the gate fails closed
  // on kUnavailable.
  if (!isConsentStatus(out.status)) return malformed(kOp, "status is not ONAY or RET");
  out.source = field(answer, "source");
  out.transaction_id = field(answer, "transactionId");
  out.creation_date = field(answer, "creationDate");
  const std::string consent_date = field(answer, "consentDate");
  if (!consent_date.empty()) {
    auto parsed = parseIysDate(consent_date, *zone_);
    if (!parsed.isOk()) return malformed(kOp, "consentDate");
    out.consent_at = *parsed;
  }
  return out;
}

Result<IysChangesPage> IysClient::changesImpl(const std::string& after, int limit) {
  constexpr std::string_view kOp = "iys changes";
  if (!zone_) return zone_error_;
  if (limit < 1) return Status::invalidArgument("iys changes: limit must be at least 1");

  HttpRequest request;
  request.method = "GET";
  request.url = consents_url_ + "/changes?";
  if (!after.empty()) request.url += "after=" + percentEncode(after) + "&";
  request.url += "limit=" + std::to_string(limit);
  CARTRELAY_ASSIGN_OR_RETURN(HttpResponse response, sendAuthorized(kOp, std::move(request)));
  if (!isSuccess(response)) return httpFailure(kOp, response);
  CARTRELAY_ASSIGN_OR_RETURN(Json answer, jsonObject(kOp, response));

  auto list = answer.find("list");
  if (list == answer.end() || !list->is_array()) return malformed(kOp, "no list");
  IysChangesPage page;
  page.next_cursor = field(answer, "after");
  if (page.next_cursor.empty()) page.next_cursor = after;
  // A page is taken whole or not at all: skipping a bad entry would move
  // the cursor past a change (possibly a RET) that was never applied.
  for (const Json& item : *list) {
    if (!item.is_object()) return malformed(kOp, "list entry is not an object");
    IysChange change;
    change.recipient = field(item, "recipient");
    change.recipient_type = field(item, "recipientType");
    change.type = field(item, "type");
    change.status = field(item, "status");
    change.source = field(item, "source");
    change.transaction_id = field(item, "transactionId");
    change.creation_date = field(item, "creationDate");
    if (change.recipient.empty()) return malformed(kOp, "entry without recipient");
    if (!isConsentStatus(change.status)) return malformed(kOp, "status is not ONAY or RET");
    const std::string consent_date = field(item, "consentDate");
    if (!consent_date.empty()) {
      auto parsed = parseIysDate(consent_date, *zone_);
      if (!parsed.isOk()) return malformed(kOp, "consentDate");
      change.consent_at = *parsed;
    }
    page.changes.push_back(std::move(change));
  }
  return page;
}

}  // namespace cartrelay::compliance
