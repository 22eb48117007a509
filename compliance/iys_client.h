#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/net/http_fetch.h"
#include "core/util/clock.h"
#include "core/util/result.h"
#include "core/util/time_zone.h"

namespace cartrelay::compliance {

// A blocking REST client of İYS (İleti Yönetim Sistemi), the Turkish
// registry where commercial-message consents must be registered (rules 8, 10,
// 11 of shared/reference/compliance-rules.md) and checked before a send (rules
// 9, 12).
//
// WIRE FORMAT: İYS's official API specification is not cited by the
// reference. The endpoints and field names below are the "İYS wire format" of
// compliance-rules.md (b), which was assembled from public third-party clients
// (a Go client, a PHP client, the netgsm and npm `iys` READMEs). They are
// assumptions to verify against dev.iys.org.tr before production use:
//
//   POST {base}/oauth2/token
//        {"username","password","grant_type":"password"}
//        -> {"access_token","expires_in" (seconds), ...}
//   POST {base}/sps/{iysCode}/brands/{brandCode}/consents
//        {"recipient","recipientType","type","source","status","consentDate"}
//        -> {"transactionId","creationDate"}
//   POST {base}/sps/{iysCode}/brands/{brandCode}/consents/status
//        {"recipient","recipientType","type"}
//        -> {"type","source","recipient","status","consentDate",
//            "recipientType","creationDate","transactionId",...}
//   GET  {base}/sps/{iysCode}/brands/{brandCode}/consents/changes?after=..&limit=..
//        -> {"after": <next cursor>, "list": [<status-shaped objects>]}
//
// Further assumptions of this client (not in the reference):
//   - /consents/changes pages with an opaque cursor passed as the query
//     parameter `after` and returned as the field `after` next to the `list`
//     of changes. The reference only shows `?source=…&limit=…`; the cursor's
//     name and the response envelope are guesses.
//   - A status query for a recipient İYS has no record of answers HTTP 404.
//   - Error bodies look like {"errors":[{"code":"...","message":"..."}]}.
//   - "consentDate" and "creationDate" are "YYYY-MM-DD HH:MM:SS" wall-clock
//     time in Türkiye (Europe/Istanbul, from the system tz database).
//   - Enum spelling RET (not RED), see the reference's open question 9.
//
// Personal data: the recipient's phone number is sent to İYS in request
// bodies because İYS needs it, but it is never put in a Status message, a
// log line or a URL. İYS's own error messages (which may quote the recipient)
// are dropped; only a sanitised İYS error code is kept.

// Where and as whom to reach İYS.
struct IysOptions {
  // "https://api.iys.org.tr" (live) or "https://api.sandbox.iys.org.tr";
  // plain http only for loopback (tests). A trailing '/' is ignored.
  std::string base_url;
  std::string username;  // API user; never logged
  std::string password;  // never logged, never in a Status message
  std::string iys_code;  // the shop's İYS number ("sps" path segment)
  std::string brand_code;
  // Budget of one HTTP exchange, ms. The client cannot enforce it itself: the
  // injected HttpClient carries the limits, so build that client with
  // iysFetchLimits(options) (core::net::DefaultHttpClient(iysFetchLimits(o))).
  std::int64_t timeout_ms = 10000;
};

// FetchLimits that apply options.timeout_ms to the connect step and the whole
// exchange, for the HttpClient handed to IysClient.
core::net::FetchLimits iysFetchLimits(const IysOptions& options);

// One consent (or rejection) to register in İYS.
struct IysConsent {
  std::string recipient;                    // E.164, "+905321234567"
  std::string recipient_type = "BIREYSEL";  // BIREYSEL | TACIR
  std::string type = "MESAJ";               // ARAMA | MESAJ | EPOSTA (WhatsApp -> MESAJ)
  std::string source;                       // HS_WEB, HS_MESAJ, ...; required for BIREYSEL
  std::string status;                       // ONAY | RET
  core::EpochMillis consent_at = 0;         // when the recipient gave it, UTC
};

// İYS's receipt for a registered consent.
struct IysRegistration {
  std::string transaction_id;
  std::string creation_date;  // as İYS sent it ("YYYY-MM-DD HH:MM:SS", Türkiye time)
};

// İYS's current record for (recipient, recipientType, type).
struct IysStatusAnswer {
  std::string status;  // ONAY | RET
  std::string source;  // may be empty (TACIR records need none)
  // consentDate converted back to UTC; nullopt when İYS sent none (TACIR).
  std::optional<core::EpochMillis> consent_at;
  std::string transaction_id;
  std::string creation_date;  // as İYS sent it
};

// One change İYS reports (for example a citizen's RET made on the İYS portal).
struct IysChange {
  std::string recipient;  // E.164; personal data, keep out of logs
  std::string recipient_type;
  std::string type;
  std::string status;  // ONAY | RET
  std::string source;
  std::optional<core::EpochMillis> consent_at;
  std::string transaction_id;
  std::string creation_date;
};

struct IysChangesPage {
  std::vector<IysChange> changes;  // in İYS's order
  // Pass to the next changes() call. When İYS sent no cursor, the cursor
  // this page was asked with, so a caller never falls back to the start.
  std::string next_cursor;
};

// "YYYY-MM-DD HH:MM:SS" of an instant in `zone` (sub-second part dropped).
std::string formatIysDate(core::EpochMillis utc, const core::TimeZone& zone);
// The inverse; kInvalidArgument for another shape or a date that does not
// exist (2024-02-30). The message does not quote the input.
core::Result<core::EpochMillis> parseIysDate(std::string_view text, const core::TimeZone& zone);

// The client. Each call is one blocking exchange with İYS (two or three when
// a token must be fetched or refreshed); nothing is retried except a single
// retry with a fresh token after HTTP 401.
//
// Authentication: a password-grant token from /oauth2/token, cached until
// 60 s before its expires_in runs out (by `clock`) and sent as
// "Authorization: Bearer". On a 401 the token is dropped, a new one fetched
// and the request repeated once.
//
// Errors (returned, never thrown):
//   kInvalidArgument  the input fails validation before anything is sent (bad
//                     recipient shape, unknown status/type/recipientType,
//                     limit < 1); İYS answered 400 or 422 (the message carries
//                     İYS's error code when the body has one); or the HTTP
//                     layer refused the URL (non-https remote base_url)
//   kUnauthenticated  the token endpoint refused the credentials (400/401),
//                     or a request still got 401 with a fresh token
//   kNotFound         status(): İYS has no record for the recipient
//   kPermanent        another 4xx (403: the account may not use this
//                     iys_code/brand_code; 404 outside status())
//   kUnavailable      connection failure, timeout, HTTP 5xx, HTTP 429, a
//                     malformed or incomplete JSON answer (the message says
//                     which)
//   kTooLarge         the answer exceeded the HttpClient's body limit
//   kInternal         the Europe/Istanbul zone could not be loaded, or an
//                     unexpected exception (caught)
// Messages name the operation and the HTTP status or İYS error code; they
// never contain the recipient, the password or a token, so they are safe to
// log and to return over HTTP.
//
// Logs (core/util/log.h): "iys.token_obtained" (expires_in_s) and
// "iys.request_failed" (op, status) for failures other than kNotFound; no
// personal data or secrets.
//
// Ownership: `http` and `clock` must outlive the client.
// Thread-safety: safe to share between threads. The token cache is guarded
// by a mutex that is held while a token is being fetched, so concurrent
// callers wait for one token request instead of each making one. `http` must
// itself be thread-safe when the client is shared (DefaultHttpClient is).
class IysClient {
 public:
  // Uses the system clock for token expiry.
  IysClient(IysOptions options, core::net::HttpClient& http);
  IysClient(IysOptions options, core::net::HttpClient& http, const core::Clock& clock);
  IysClient(const IysClient&) = delete;
  IysClient& operator=(const IysClient&) = delete;

  // Registers a consent or rejection (POST .../consents). consentDate is
  // consent.consent_at in Türkiye time. İYS refuses a RET as the first record
  // of a recipient (kInvalidArgument with İYS's code).
  core::Result<IysRegistration> addConsent(const IysConsent& consent);

  // İYS's current record (POST .../consents/status); kNotFound when none.
  core::Result<IysStatusAnswer> status(const std::string& recipient,
                                       const std::string& recipient_type,
                                       const std::string& type = "MESAJ");

  // One page of changes made on İYS (GET .../consents/changes). `after` is
  // the opaque cursor from the previous page's next_cursor, "" for the start
  // (then no `after` parameter is sent). `limit` >= 1 is the page size asked
  // for; İYS may return fewer.
  core::Result<IysChangesPage> changes(const std::string& after, int limit);

  // "{base}/sps/{iysCode}/brands/{brandCode}/consents" (no credentials), for
  // logs and tests.
  const std::string& consentsUrl() const { return consents_url_; }

 private:
  // A valid access token, fetched when none is cached or it is due.
  core::Result<std::string> bearerToken();
  // Forgets `token` if it is still the cached one (after a 401).
  void dropToken(const std::string& token);
  // Sends `request` with a bearer token; on 401 once more with a new token.
  // Returns the final HTTP answer (never a 401) or a transport error.
  core::Result<core::net::HttpResponse> sendAuthorized(std::string_view op,
                                                       core::net::HttpRequest request);

  core::Result<IysRegistration> addConsentImpl(const IysConsent& consent);
  core::Result<IysStatusAnswer> statusImpl(const std::string& recipient,
                                           const std::string& recipient_type,
                                           const std::string& type);
  core::Result<IysChangesPage> changesImpl(const std::string& after, int limit);

  IysOptions options_;
  core::net::HttpClient& http_;
  const core::Clock& clock_;
  std::string base_url_;      // without trailing '/'
  std::string consents_url_;  // base + /sps/{iysCode}/brands/{brandCode}/consents
  std::optional<core::TimeZone> zone_;
  core::Status zone_error_;  // why zone_ is empty

  std::mutex token_mu_;  // guards token_ and token_refresh_at_
  std::string token_;
  core::EpochMillis token_refresh_at_ = 0;
};

}  // namespace cartrelay::compliance
