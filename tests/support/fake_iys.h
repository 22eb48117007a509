#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "tests/support/fake_http_server.h"

namespace cartrelay::testing {

// A fake İYS (İleti Yönetim Sistemi) REST API on 127.0.0.1 for the
// compliance/iys_client tests, built on FakeHttpServer. It serves the "İYS
// wire format" of shared/reference/compliance-rules.md (b), which comes from
// public third-party clients, not from İYS's official specification, plus
// the assumptions documented in compliance/iys_client.h (the `after` cursor
// of /consents/changes, 404 for an unknown recipient, the {"errors":[..]}
// body). It is a test double, not a model of İYS's real validation rules.
//
//   POST /oauth2/token                     JSON {username,password,grant_type:"password"}
//        wrong credentials -> 401 {"error":"invalid_grant"}; missing fields or
//        another grant_type -> 400; else {access_token,refresh_token,
//        token_type:"Bearer",expires_in}
//   POST /sps/{kIysCode}/brands/{kBrandCode}/consents
//   POST /sps/{kIysCode}/brands/{kBrandCode}/consents/status
//   GET  /sps/{kIysCode}/brands/{kBrandCode}/consents/changes?after=&limit=
//
// The consent endpoints need "Authorization: Bearer <token>" with a token it
// issued that has not expired (expires_in seconds of real time) and was not
// revoked by expireAllTokens(): 401 otherwise. Another iysCode/brandCode ->
// 403; an unknown path -> 404; a wrong method -> 405.
//
// Consents live in memory keyed by (recipient, type, recipientType).
// POST /consents validates: recipient "+<8-15 digits>", recipientType
// BIREYSEL|TACIR, type ARAMA|MESAJ|EPOSTA, status ONAY|RET, source (an
// upper-case name) and consentDate "YYYY-MM-DD HH:MM:SS" required for
// BIREYSEL, and "the first record cannot be RET". Failures answer 400
// {"errors":[{"code":<one of the kError* codes>,"message":..}]}. The codes
// are this fake's own, not İYS's. The messages deliberately quote the
// recipient, as a real server might, so tests can prove the client never
// copies them.
//
// Accepted consents are stored and answered by /consents/status; they are
// not added to the changes feed, which holds only what a test adds with
// addChange() (İYS reports changes made on İYS itself, such as a citizen's
// RET). The cursor is opaque ("c<N>"): the index after the last change
// returned.
//
// Thread-safety: all methods may be called from any thread while the server
// answers requests.
class FakeIys {
 public:
  static constexpr const char* kUsername = "iys-api-user";
  static constexpr const char* kPassword = "iys-secret-pw";
  static constexpr const char* kIysCode = "654321";
  static constexpr const char* kBrandCode = "654322";

  static constexpr const char* kErrorMissingField = "FAKE_MISSING_FIELD";
  static constexpr const char* kErrorBadValue = "FAKE_BAD_VALUE";
  static constexpr const char* kErrorBadDate = "FAKE_BAD_CONSENT_DATE";
  static constexpr const char* kErrorFirstRet = "FAKE_FIRST_RECORD_RET";
  static constexpr const char* kErrorNotFound = "FAKE_NOT_FOUND";
  static constexpr const char* kErrorBadCursor = "FAKE_BAD_CURSOR";

  // One consent record, with İYS's field values as strings.
  struct Record {
    std::string recipient;
    std::string recipient_type = "BIREYSEL";
    std::string type = "MESAJ";
    std::string source = "HS_WEB";
    std::string status = "ONAY";
    std::string consent_date;    // "YYYY-MM-DD HH:MM:SS", Türkiye time
    std::string creation_date;   // filled with "now" (Türkiye time) when empty
    std::string transaction_id;  // generated when empty
  };

  FakeIys();
  FakeIys(const FakeIys&) = delete;
  FakeIys& operator=(const FakeIys&) = delete;

  FakeHttpServer& server() { return server_; }
  std::string baseUrl() const { return server_.baseUrl(); }

  // Data --------------------------------------------------------------
  // Stores a record as if İYS already had it (no validation, no change).
  void preloadConsent(Record record);
  // Appends a change to the feed and applies it to the store.
  void addChange(Record record);
  // The stored record for the key, or nullopt.
  std::optional<Record> consent(const std::string& recipient, const std::string& type = "MESAJ",
                                const std::string& recipient_type = "BIREYSEL") const;
  std::size_t consentCount() const;

  // Authentication ------------------------------------------------------
  // expires_in of tokens issued from now on (default 3600).
  void setTokenLifetimeSeconds(std::int64_t seconds);
  // Every token issued so far stops working (401).
  void expireAllTokens();
  // While true, the consent endpoints refuse every token with 401 (new ones
  // are still issued): a server that never accepts the client.
  void rejectAllTokens(bool reject);
  int tokensIssued() const;

  // Behaviour -----------------------------------------------------------
  // While down, every request (token included) answers 503. For closed
  // connections and hangs use server().failNext().
  void setDown(bool down);
  // The next `count` requests (any endpoint) answer 429 with Retry-After.
  void rateLimitNext(int count, const std::string& retry_after = "30");
  // The next `count` consent-endpoint requests that pass authentication
  // get this answer instead (malformed JSON, 422, ...). Token requests are
  // not affected.
  void answerNext(FakeResponse response, int count = 1);

  // Requests --------------------------------------------------------------
  std::vector<RecordedRequest> requests() const { return server_.requests(); }
  // Requests whose path ends with `suffix` ("/oauth2/token", "/consents",
  // "/consents/status", "/consents/changes").
  std::vector<RecordedRequest> requestsTo(const std::string& suffix) const;

  // "YYYY-MM-DD HH:MM:SS" in Europe/Istanbul of the current time.
  static std::string nowInTurkey();

 private:
  using Key = std::tuple<std::string, std::string, std::string>;  // recipient, type, rtype

  FakeResponse handle(const RecordedRequest& request);
  FakeResponse token(const RecordedRequest& request);
  FakeResponse addConsent(const RecordedRequest& request);
  FakeResponse status(const RecordedRequest& request);
  FakeResponse changes(const RecordedRequest& request);
  // Caller holds mu_. Fills generated fields and stores the record.
  void storeLocked(Record& record);

  mutable std::mutex mu_;
  std::map<Key, Record> store_;
  std::vector<Record> changes_;
  std::map<std::string, std::int64_t> tokens_;  // token -> expiry (steady ms)
  std::set<std::string> revoked_;
  std::int64_t token_lifetime_s_ = 3600;
  bool reject_tokens_ = false;
  int tokens_issued_ = 0;
  int next_transaction_ = 1;
  bool down_ = false;
  int rate_limit_next_ = 0;
  std::string retry_after_ = "30";
  std::vector<FakeResponse> answer_next_;
  FakeHttpServer server_;  // last: starts after the data above exists
};

}  // namespace cartrelay::testing
