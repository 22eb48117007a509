// The İYS client (compliance/iys_client.h) against FakeIys over loopback,
// through the real HTTP client: the wire shapes, Türkiye time in consentDate,
// token caching and the one-retry rule, the error mapping, cursor paging, and
// that the recipient's phone number never reaches a Status or a log line.
#include "compliance/iys_client.h"

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/net/http_fetch.h"
#include "core/util/clock.h"
#include "core/util/time_zone.h"
#include "tests/support/fake_iys.h"
#include "tests/support/http_client.h"
#include "tests/support/log_capture.h"
#include "tests/support/manual_clock.h"

namespace cartrelay::compliance {
namespace {

using core::Status;
using Json = nlohmann::json;
using testing::FakeIys;

constexpr const char* kPhone = "+905321234567";
// The same number without '+' and without the country code: neither may
// leak either.
constexpr const char* kPhoneDigits = "905321234567";
constexpr const char* kPhoneNational = "5321234567";

core::EpochMillis utc(const char* iso) {
  auto parsed = core::parseIso8601(iso);
  EXPECT_TRUE(parsed.isOk()) << iso;
  return parsed.isOk() ? *parsed : 0;
}

IysOptions optionsFor(const FakeIys& fake) {
  IysOptions options;
  options.base_url = fake.baseUrl() + "/";  // the trailing slash is ignored
  options.username = FakeIys::kUsername;
  options.password = FakeIys::kPassword;
  options.iys_code = FakeIys::kIysCode;
  options.brand_code = FakeIys::kBrandCode;
  options.timeout_ms = 5000;
  return options;
}

IysConsent consentFor(const std::string& recipient, const std::string& status,
                      core::EpochMillis at) {
  IysConsent consent;
  consent.recipient = recipient;
  consent.recipient_type = "BIREYSEL";
  consent.type = "MESAJ";
  consent.source = "HS_WEB";
  consent.status = status;
  consent.consent_at = at;
  return consent;
}

// An ONAY that İYS already holds, given 2024-05-01 14:03:00 Türkiye time.
FakeIys::Record onayRecord(const std::string& recipient) {
  FakeIys::Record record;
  record.recipient = recipient;
  record.consent_date = "2024-05-01 14:03:00";
  return record;
}

// Neither the phone number nor a secret may appear in `text`.
void expectNoSecretsIn(const std::string& text) {
  EXPECT_EQ(text.find(kPhoneNational), std::string::npos) << text;
  EXPECT_EQ(text.find(kPhoneDigits), std::string::npos) << text;
  EXPECT_EQ(text.find(FakeIys::kPassword), std::string::npos) << text;
  EXPECT_EQ(text.find("fake-access-"), std::string::npos) << text;
}

void expectNoSecretsIn(const Status& status) { expectNoSecretsIn(status.toString()); }

std::vector<std::string> pathsOf(const std::vector<testing::RecordedRequest>& requests) {
  std::vector<std::string> paths;
  for (const auto& request : requests) paths.push_back(request.method + " " + request.path);
  return paths;
}

class IysClientTest : public ::testing::Test {
 protected:
  static core::net::FetchLimits fetchLimits() {
    core::net::FetchLimits out;
    out.connect_timeout_ms = 5000;
    out.total_timeout_ms = 5000;
    return out;
  }

  std::string consentsPath() const {
    return std::string("/sps/") + FakeIys::kIysCode + "/brands/" + FakeIys::kBrandCode +
           "/consents";
  }

  FakeIys fake_;
  testing::ManualClock clock_{utc("2024-05-01T11:05:00Z")};
  core::net::DefaultHttpClient http_{fetchLimits()};
  IysClient client_{optionsFor(fake_), http_, clock_};
};

TEST(IysDateTest, FormatsAndParsesTurkeyWallClockFromTzdata) {
  auto zone = core::TimeZone::load("Europe/Istanbul");
  ASSERT_TRUE(zone.isOk()) << zone.status().toString();

  EXPECT_EQ(formatIysDate(utc("2024-05-01T11:03:00Z"), *zone), "2024-05-01 14:03:00");
  EXPECT_EQ(formatIysDate(utc("2024-05-01T11:03:07.999Z"), *zone), "2024-05-01 14:03:07");
  auto parsed = parseIysDate("2024-05-01 14:03:00", *zone);
  ASSERT_TRUE(parsed.isOk());
  EXPECT_EQ(*parsed, utc("2024-05-01T11:03:00Z"));
  // Across midnight: the Turkish date is a day later than the UTC one.
  EXPECT_EQ(formatIysDate(utc("2024-01-14T21:30:05Z"), *zone), "2024-01-15 00:30:05");
  // Before 2016 Türkiye had winter time (UTC+2): the offset comes from the
  // tz database, not from a constant +3.
  EXPECT_EQ(formatIysDate(utc("2015-01-15T10:00:00Z"), *zone), "2015-01-15 12:00:00");
  parsed = parseIysDate("2015-01-15 12:00:00", *zone);
  ASSERT_TRUE(parsed.isOk());
  EXPECT_EQ(*parsed, utc("2015-01-15T10:00:00Z"));

  for (const char* bad :
       {"", "2024-05-01T14:03:00", "2024-05-01 14:03", "2024-02-30 10:00:00", "2024-13-01 10:00:00",
        "2024-05-01 24:00:00", "2024-05-01 14:03:60", "2024-05-01 14:03:0x", "+905321234567"}) {
    auto result = parseIysDate(bad, *zone);
    ASSERT_FALSE(result.isOk()) << bad;
    EXPECT_EQ(result.status().code(), Status::Code::kInvalidArgument);
    expectNoSecretsIn(result.status());
  }
}

TEST_F(IysClientTest, AddThenStatusRoundTripsConsentDateInTurkeyTime) {
  auto added = client_.addConsent(consentFor(kPhone, "ONAY", utc("2024-05-01T11:03:00Z")));
  ASSERT_TRUE(added.isOk()) << added.status().toString();
  EXPECT_FALSE(added->transaction_id.empty());
  EXPECT_FALSE(added->creation_date.empty());

  const auto posts = fake_.requestsTo("/consents");
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].method, "POST");
  EXPECT_EQ(posts[0].path, consentsPath());
  EXPECT_EQ(posts[0].header("authorization").value_or(""), "Bearer fake-access-1");
  EXPECT_EQ(posts[0].header("content-type").value_or(""), "application/json");
  const Json body = Json::parse(posts[0].body);
  EXPECT_EQ(body, (Json{{"recipient", kPhone},
                        {"recipientType", "BIREYSEL"},
                        {"type", "MESAJ"},
                        {"source", "HS_WEB"},
                        {"status", "ONAY"},
                        {"consentDate", "2024-05-01 14:03:00"}}));
  ASSERT_TRUE(fake_.consent(kPhone).has_value());
  EXPECT_EQ(fake_.consent(kPhone)->consent_date, "2024-05-01 14:03:00");

  auto answer = client_.status(kPhone, "BIREYSEL");
  ASSERT_TRUE(answer.isOk()) << answer.status().toString();
  EXPECT_EQ(answer->status, "ONAY");
  EXPECT_EQ(answer->source, "HS_WEB");
  ASSERT_TRUE(answer->consent_at.has_value());
  EXPECT_EQ(*answer->consent_at, utc("2024-05-01T11:03:00Z"));
  EXPECT_EQ(answer->transaction_id, added->transaction_id);
  EXPECT_EQ(answer->creation_date, added->creation_date);

  const auto queries = fake_.requestsTo("/consents/status");
  ASSERT_EQ(queries.size(), 1u);
  EXPECT_EQ(Json::parse(queries[0].body),
            (Json{{"recipient", kPhone}, {"recipientType", "BIREYSEL"}, {"type", "MESAJ"}}));
}

TEST_F(IysClientTest, StatusConvertsPreloadedTurkeyTimeToUtc) {
  FakeIys::Record record;
  record.recipient = kPhone;
  record.status = "RET";
  record.source = "HS_MESAJ";
  record.consent_date = "2024-01-15 00:30:00";
  record.transaction_id = "tx-preloaded";
  record.creation_date = "2024-01-15 00:31:00";
  fake_.preloadConsent(record);

  auto answer = client_.status(kPhone, "BIREYSEL");
  ASSERT_TRUE(answer.isOk()) << answer.status().toString();
  EXPECT_EQ(answer->status, "RET");
  EXPECT_EQ(answer->source, "HS_MESAJ");
  ASSERT_TRUE(answer->consent_at.has_value());
  EXPECT_EQ(*answer->consent_at, utc("2024-01-14T21:30:00Z"));
  EXPECT_EQ(answer->transaction_id, "tx-preloaded");
  EXPECT_EQ(answer->creation_date, "2024-01-15 00:31:00");

  // The key includes recipientType: the same number as a TACIR is another
  // record, and a TACIR record may carry no consentDate or source.
  EXPECT_EQ(client_.status(kPhone, "TACIR").status().code(), Status::Code::kNotFound);
  FakeIys::Record merchant;
  merchant.recipient = kPhone;
  merchant.recipient_type = "TACIR";
  merchant.source = "";
  fake_.preloadConsent(merchant);
  auto tacir = client_.status(kPhone, "TACIR");
  ASSERT_TRUE(tacir.isOk()) << tacir.status().toString();
  EXPECT_EQ(tacir->status, "ONAY");
  EXPECT_FALSE(tacir->consent_at.has_value());
  EXPECT_TRUE(tacir->source.empty());
}

TEST_F(IysClientTest, UnknownRecipientIsNotFound) {
  testing::LogCapture logs;
  auto answer = client_.status(kPhone, "BIREYSEL");
  ASSERT_FALSE(answer.isOk());
  EXPECT_EQ(answer.status().code(), Status::Code::kNotFound);
  expectNoSecretsIn(answer.status());  // the fake's 404 message quotes the number
  for (const std::string& line : logs.lines()) expectNoSecretsIn(line);
}

TEST_F(IysClientTest, FirstRecordRetIsRefusedWithIysErrorCode) {
  auto refused = client_.addConsent(consentFor(kPhone, "RET", utc("2024-05-01T11:03:00Z")));
  ASSERT_FALSE(refused.isOk());
  EXPECT_EQ(refused.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(refused.status().message().find(FakeIys::kErrorFirstRet), std::string::npos)
      << refused.status().toString();
  EXPECT_NE(refused.status().message().find("400"), std::string::npos);
  expectNoSecretsIn(refused.status());  // the fake's message quotes the number
  EXPECT_EQ(fake_.consentCount(), 0u);

  // After an ONAY the same RET is a withdrawal and is accepted.
  ASSERT_TRUE(client_.addConsent(consentFor(kPhone, "ONAY", utc("2024-05-01T11:03:00Z"))).isOk());
  ASSERT_TRUE(client_.addConsent(consentFor(kPhone, "RET", utc("2024-05-02T08:00:00Z"))).isOk());
  auto answer = client_.status(kPhone, "BIREYSEL");
  ASSERT_TRUE(answer.isOk());
  EXPECT_EQ(answer->status, "RET");
  EXPECT_EQ(*answer->consent_at, utc("2024-05-02T08:00:00Z"));
}

TEST_F(IysClientTest, TokenIsFetchedOnceAndCachedAcrossCalls) {
  ASSERT_TRUE(client_.addConsent(consentFor(kPhone, "ONAY", utc("2024-05-01T11:03:00Z"))).isOk());
  ASSERT_TRUE(client_.status(kPhone, "BIREYSEL").isOk());
  ASSERT_TRUE(client_.status(kPhone, "BIREYSEL").isOk());
  ASSERT_TRUE(client_.changes("", 10).isOk());

  const auto tokens = fake_.requestsTo("/oauth2/token");
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].method, "POST");
  EXPECT_FALSE(tokens[0].header("authorization").has_value());
  EXPECT_EQ(Json::parse(tokens[0].body), (Json{{"username", FakeIys::kUsername},
                                               {"password", FakeIys::kPassword},
                                               {"grant_type", "password"}}));
  for (const auto& request : fake_.requests()) {
    if (request.path == "/oauth2/token") continue;
    EXPECT_EQ(request.header("authorization").value_or(""), "Bearer fake-access-1") << request.path;
  }
}

TEST_F(IysClientTest, TokenIsRenewedSixtySecondsBeforeItExpires) {
  fake_.setTokenLifetimeSeconds(3600);
  ASSERT_EQ(client_.status(kPhone, "BIREYSEL").status().code(), Status::Code::kNotFound);
  EXPECT_EQ(fake_.tokensIssued(), 1);

  clock_.advance((3600 - 61) * 1000LL);
  ASSERT_EQ(client_.status(kPhone, "BIREYSEL").status().code(), Status::Code::kNotFound);
  EXPECT_EQ(fake_.tokensIssued(), 1);

  clock_.advance(2 * 1000LL);  // 59 s before expiry: inside the margin
  ASSERT_EQ(client_.status(kPhone, "BIREYSEL").status().code(), Status::Code::kNotFound);
  EXPECT_EQ(fake_.tokensIssued(), 2);
  EXPECT_EQ(fake_.requests().back().header("authorization").value_or(""), "Bearer fake-access-2");
}

TEST_F(IysClientTest, TokenLivingUnderTheMarginIsUsedOnce) {
  fake_.setTokenLifetimeSeconds(30);  // would expire within the 60 s margin
  ASSERT_EQ(client_.status(kPhone, "BIREYSEL").status().code(), Status::Code::kNotFound);
  ASSERT_EQ(client_.status(kPhone, "BIREYSEL").status().code(), Status::Code::kNotFound);
  EXPECT_EQ(fake_.tokensIssued(), 2);
}

TEST_F(IysClientTest, RevokedTokenIsReplacedAndTheRequestRetriedOnce) {
  fake_.preloadConsent(onayRecord(kPhone));
  ASSERT_TRUE(client_.status(kPhone, "BIREYSEL").isOk());
  fake_.expireAllTokens();
  fake_.server().clearRequests();

  auto answer = client_.status(kPhone, "BIREYSEL");
  ASSERT_TRUE(answer.isOk()) << answer.status().toString();
  EXPECT_EQ(answer->status, "ONAY");
  const std::string status_path = "POST " + consentsPath() + "/status";
  EXPECT_EQ(pathsOf(fake_.requests()),
            (std::vector<std::string>{status_path, "POST /oauth2/token", status_path}));
  EXPECT_EQ(fake_.tokensIssued(), 2);
  EXPECT_EQ(fake_.requests().back().header("authorization").value_or(""), "Bearer fake-access-2");
}

TEST_F(IysClientTest, UnauthorizedWithAFreshTokenGivesUpAfterOneRetry) {
  fake_.rejectAllTokens(true);
  auto answer = client_.status(kPhone, "BIREYSEL");
  ASSERT_FALSE(answer.isOk());
  EXPECT_EQ(answer.status().code(), Status::Code::kUnauthenticated);
  expectNoSecretsIn(answer.status());
  const std::string status_path = "POST " + consentsPath() + "/status";
  EXPECT_EQ(pathsOf(fake_.requests()),
            (std::vector<std::string>{"POST /oauth2/token", status_path, "POST /oauth2/token",
                                      status_path}));
}

TEST_F(IysClientTest, WrongPasswordIsUnauthenticatedWithoutTheSecret) {
  IysOptions options = optionsFor(fake_);
  options.password = "not-the-password";
  IysClient client(options, http_, clock_);
  auto answer = client.addConsent(consentFor(kPhone, "ONAY", utc("2024-05-01T11:03:00Z")));
  ASSERT_FALSE(answer.isOk());
  EXPECT_EQ(answer.status().code(), Status::Code::kUnauthenticated);
  EXPECT_EQ(answer.status().message().find("not-the-password"), std::string::npos);
  expectNoSecretsIn(answer.status());
  EXPECT_EQ(pathsOf(fake_.requests()), (std::vector<std::string>{"POST /oauth2/token"}));
}

TEST_F(IysClientTest, DownIsUnavailableWithoutPersonalData) {
  testing::LogCapture logs;
  // Once with no token yet (the token request fails), once with a cached one.
  fake_.setDown(true);
  auto cold = client_.status(kPhone, "BIREYSEL");
  ASSERT_FALSE(cold.isOk());
  EXPECT_EQ(cold.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(cold.status().message().find("503"), std::string::npos) << cold.status().toString();
  expectNoSecretsIn(cold.status());

  fake_.setDown(false);
  ASSERT_TRUE(client_.changes("", 1).isOk());
  fake_.setDown(true);
  auto added = client_.addConsent(consentFor(kPhone, "ONAY", utc("2024-05-01T11:03:00Z")));
  auto status = client_.status(kPhone, "BIREYSEL");
  auto changes = client_.changes("", 10);
  for (const Status& s : {added.status(), status.status(), changes.status()}) {
    EXPECT_EQ(s.code(), Status::Code::kUnavailable) << s.toString();
    EXPECT_NE(s.message().find("HTTP 503"), std::string::npos) << s.toString();
    expectNoSecretsIn(s);
  }
  EXPECT_FALSE(logs.lines().empty());
  for (const std::string& line : logs.lines()) expectNoSecretsIn(line);
}

TEST_F(IysClientTest, ClosedConnectionAndRefusedConnectionAreUnavailable) {
  ASSERT_TRUE(client_.changes("", 1).isOk());  // token cached
  fake_.server().failNext(testing::FailureMode::kCloseConnection);
  auto closed = client_.status(kPhone, "BIREYSEL");
  ASSERT_FALSE(closed.isOk());
  EXPECT_EQ(closed.status().code(), Status::Code::kUnavailable);
  expectNoSecretsIn(closed.status());

  fake_.server().failNext(testing::FailureMode::kHttp500);
  auto failed = client_.status(kPhone, "BIREYSEL");
  EXPECT_EQ(failed.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(failed.status().message().find("HTTP 500"), std::string::npos);

  // Nothing listens on a port a stopped fake used.
  std::string dead_url;
  {
    FakeIys gone;
    dead_url = gone.baseUrl();
  }
  IysOptions options = optionsFor(fake_);
  options.base_url = dead_url;
  IysClient client(options, http_, clock_);
  auto refused = client.status(kPhone, "BIREYSEL");
  ASSERT_FALSE(refused.isOk());
  EXPECT_EQ(refused.status().code(), Status::Code::kUnavailable);
  expectNoSecretsIn(refused.status());
}

TEST_F(IysClientTest, TimeoutFromOptionsIsUnavailable) {
  IysOptions options = optionsFor(fake_);
  options.timeout_ms = 300;
  core::net::DefaultHttpClient http(iysFetchLimits(options));
  IysClient client(options, http, clock_);
  fake_.server().failNext(testing::FailureMode::kHang);

  const auto start = std::chrono::steady_clock::now();
  auto answer = client.status(kPhone, "BIREYSEL");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(answer.isOk());
  EXPECT_EQ(answer.status().code(), Status::Code::kUnavailable);
  expectNoSecretsIn(answer.status());
  EXPECT_LT(elapsed, std::chrono::seconds(3));
  fake_.server().releaseHangs();
}

TEST_F(IysClientTest, RateLimitIsUnavailable) {
  ASSERT_TRUE(client_.changes("", 1).isOk());  // token cached
  fake_.rateLimitNext(1, "30");
  auto answer = client_.status(kPhone, "BIREYSEL");
  ASSERT_FALSE(answer.isOk());
  EXPECT_EQ(answer.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(answer.status().message().find("HTTP 429"), std::string::npos);
  EXPECT_NE(answer.status().message().find("retry after 30 s"), std::string::npos)
      << answer.status().toString();
  expectNoSecretsIn(answer.status());
  // Not retried: one status request.
  EXPECT_EQ(fake_.requestsTo("/consents/status").size(), 1u);

  // A 429 on the token endpoint is the same.
  clock_.advance(3600 * 1000LL);  // the cached token is due
  fake_.rateLimitNext(1);
  EXPECT_EQ(client_.status(kPhone, "BIREYSEL").status().code(), Status::Code::kUnavailable);
  EXPECT_EQ(fake_.requests().back().path, "/oauth2/token");
}

TEST_F(IysClientTest, MalformedAnswersAreUnavailable) {
  fake_.answerNext({200, {}, "<html>gateway</html>"});
  auto not_json = client_.status(kPhone, "BIREYSEL");
  EXPECT_EQ(not_json.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(not_json.status().message().find("malformed"), std::string::npos);

  fake_.answerNext({200, {}, R"({"status":"RED","recipient":"+905321234567"})"});
  auto bad_status = client_.status(kPhone, "BIREYSEL");
  EXPECT_EQ(bad_status.status().code(), Status::Code::kUnavailable);
  expectNoSecretsIn(bad_status.status());

  fake_.answerNext({200, {}, R"({"status":"ONAY","consentDate":"01.05.2024 14:03"})"});
  EXPECT_EQ(client_.status(kPhone, "BIREYSEL").status().code(), Status::Code::kUnavailable);

  fake_.answerNext({200, {}, R"({"creationDate":"2024-05-01 14:05:00"})"});
  auto no_id = client_.addConsent(consentFor(kPhone, "ONAY", utc("2024-05-01T11:03:00Z")));
  EXPECT_EQ(no_id.status().code(), Status::Code::kUnavailable);

  fake_.answerNext({200, {}, R"({"after":"c1","list":[{"status":"ONAY"}]})"});
  EXPECT_EQ(client_.changes("", 5).status().code(), Status::Code::kUnavailable);
  fake_.answerNext({200, {}, R"({"after":"c1"})"});
  EXPECT_EQ(client_.changes("", 5).status().code(), Status::Code::kUnavailable);
}

TEST_F(IysClientTest, ValidationErrorsCarryIysCodeButNeverItsMessage) {
  fake_.answerNext(
      {422, {}, R"({"errors":[{"code":"H123","message":"invalid recipient +905321234567"}]})"});
  auto unprocessable = client_.status(kPhone, "BIREYSEL");
  ASSERT_FALSE(unprocessable.isOk());
  EXPECT_EQ(unprocessable.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(unprocessable.status().message().find("H123"), std::string::npos);
  EXPECT_EQ(unprocessable.status().message().find("invalid recipient"), std::string::npos);
  expectNoSecretsIn(unprocessable.status());

  // A "code" that is really the phone number is dropped.
  fake_.answerNext({400, {}, R"({"errors":[{"code":"905321234567"}]})"});
  auto echoed = client_.status(kPhone, "BIREYSEL");
  EXPECT_EQ(echoed.status().code(), Status::Code::kInvalidArgument);
  expectNoSecretsIn(echoed.status());

  fake_.answerNext({403, {}, R"({"errors":[{"code":"FORBIDDEN"}]})"});
  EXPECT_EQ(client_.status(kPhone, "BIREYSEL").status().code(), Status::Code::kPermanent);
}

TEST_F(IysClientTest, WrongBrandIsPermanent) {
  IysOptions options = optionsFor(fake_);
  options.brand_code = "111111";
  IysClient client(options, http_, clock_);
  auto answer = client.status(kPhone, "BIREYSEL");
  EXPECT_EQ(answer.status().code(), Status::Code::kPermanent);
  EXPECT_NE(answer.status().message().find("HTTP 403"), std::string::npos);
}

TEST_F(IysClientTest, ChangesArePagedWithTheCursor) {
  const char* phones[] = {"+905320000001", "+905320000002", "+905320000003", "+905320000004",
                          "+905320000005"};
  for (int i = 0; i < 5; ++i) {
    FakeIys::Record change;
    change.recipient = phones[i];
    change.status = i == 2 ? "RET" : "ONAY";
    change.source = i == 2 ? "IYS_MOBIL" : "HS_WEB";
    change.consent_date = "2024-05-0" + std::to_string(i + 1) + " 14:03:00";
    fake_.addChange(change);
  }

  std::vector<IysChange> all;
  std::vector<std::string> cursors;
  std::string cursor;
  for (int page = 0; page < 4; ++page) {
    auto result = client_.changes(cursor, 2);
    ASSERT_TRUE(result.isOk()) << result.status().toString();
    EXPECT_EQ(result->changes.size(), page < 2 ? 2u : page == 2 ? 1u : 0u) << page;
    for (const IysChange& change : result->changes) all.push_back(change);
    cursor = result->next_cursor;
    cursors.push_back(cursor);
  }
  // The cursor is opaque to the client; the fake's is "c<index>". An empty
  // page keeps the cursor where it was.
  EXPECT_EQ(cursors, (std::vector<std::string>{"c2", "c4", "c5", "c5"}));
  ASSERT_EQ(all.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(all[i].recipient, phones[i]);
    EXPECT_EQ(all[i].recipient_type, "BIREYSEL");
    EXPECT_EQ(all[i].type, "MESAJ");
    EXPECT_FALSE(all[i].transaction_id.empty());
    ASSERT_TRUE(all[i].consent_at.has_value());
    EXPECT_EQ(*all[i].consent_at,
              utc(("2024-05-0" + std::to_string(i + 1) + "T11:03:00Z").c_str()));
  }
  EXPECT_EQ(all[2].status, "RET");
  EXPECT_EQ(all[2].source, "IYS_MOBIL");

  const auto requests = fake_.requestsTo("/consents/changes");
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_FALSE(requests[0].param("after").has_value());  // "" = from the start
  EXPECT_EQ(requests[0].param("limit").value_or(""), "2");
  EXPECT_EQ(requests[1].param("after").value_or(""), "c2");
  EXPECT_EQ(requests[3].param("after").value_or(""), "c5");

  // A cursor with characters that need escaping reaches the server intact.
  auto odd = client_.changes("c1&limit=999 x", 2);
  EXPECT_EQ(odd.status().code(), Status::Code::kInvalidArgument);  // unknown to the fake
  EXPECT_EQ(fake_.requestsTo("/consents/changes").back().param("after").value_or(""),
            "c1&limit=999 x");
  EXPECT_EQ(fake_.requestsTo("/consents/changes").back().param("limit").value_or(""), "2");
}

TEST_F(IysClientTest, InvalidInputIsRefusedBeforeAnythingIsSent) {
  IysConsent national = consentFor(kPhoneNational, "ONAY", utc("2024-05-01T11:03:00Z"));
  IysConsent bad_type = consentFor(kPhone, "ONAY", utc("2024-05-01T11:03:00Z"));
  bad_type.recipient_type = "PERSON";
  IysConsent red = consentFor(kPhone, "RED", utc("2024-05-01T11:03:00Z"));
  IysConsent no_source = consentFor(kPhone, "ONAY", utc("2024-05-01T11:03:00Z"));
  no_source.source = "";
  IysConsent no_date = consentFor(kPhone, "ONAY", 0);
  IysConsent whatsapp = consentFor(kPhone, "ONAY", utc("2024-05-01T11:03:00Z"));
  whatsapp.type = "WHATSAPP";
  for (const IysConsent& consent : {national, bad_type, red, no_source, no_date, whatsapp}) {
    auto result = client_.addConsent(consent);
    ASSERT_FALSE(result.isOk());
    EXPECT_EQ(result.status().code(), Status::Code::kInvalidArgument) << result.status().toString();
    expectNoSecretsIn(result.status());
  }
  EXPECT_EQ(client_.status(kPhoneNational, "BIREYSEL").status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(client_.status(kPhone, "bireysel").status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(client_.changes("", 0).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(fake_.server().requestCount(), 0u);
}

TEST_F(IysClientTest, ThePhoneTravelsOnlyInRequestBodies) {
  testing::LogCapture logs;
  ASSERT_TRUE(client_.addConsent(consentFor(kPhone, "ONAY", utc("2024-05-01T11:03:00Z"))).isOk());
  ASSERT_TRUE(client_.status(kPhone, "BIREYSEL").isOk());
  fake_.expireAllTokens();
  ASSERT_TRUE(client_.status(kPhone, "BIREYSEL").isOk());
  fake_.answerNext({400, {}, R"({"errors":[{"code":"E1","message":"+905321234567"}]})"});
  EXPECT_FALSE(client_.status(kPhone, "BIREYSEL").isOk());
  fake_.setDown(true);
  EXPECT_FALSE(client_.status(kPhone, "BIREYSEL").isOk());

  int bodies_with_phone = 0;
  for (const auto& request : fake_.requests()) {
    EXPECT_EQ(request.path.find(kPhoneDigits), std::string::npos);
    for (const auto& [key, value] : request.query) {
      EXPECT_EQ(value.find(kPhoneDigits), std::string::npos) << key;
    }
    for (const auto& [key, value] : request.headers) {
      EXPECT_EQ(value.find(kPhoneDigits), std::string::npos) << key;
    }
    if (request.body.find(kPhone) != std::string::npos) ++bodies_with_phone;
  }
  EXPECT_GE(bodies_with_phone, 5);  // İYS needs it there
  const auto lines = logs.lines();
  EXPECT_FALSE(lines.empty());
  for (const std::string& line : lines) expectNoSecretsIn(line);
}

TEST_F(IysClientTest, ConcurrentCallersShareOneToken) {
  fake_.preloadConsent(onayRecord(kPhone));
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        if (client_.status(kPhone, "BIREYSEL").isOk()) ++ok[static_cast<std::size_t>(t)];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(ok, (std::vector<int>{5, 5, 5, 5}));
  EXPECT_EQ(fake_.tokensIssued(), 1);
}

// The fake itself: the request shapes it refuses, so client tests that pass
// against it mean something.
TEST(IysFakeTest, ValidatesTokensAndConsentShapes) {
  FakeIys fake;
  const std::string consents =
      std::string("/sps/") + FakeIys::kIysCode + "/brands/" + FakeIys::kBrandCode + "/consents";
  auto post = [&](const std::string& path, const Json& body,
                  const std::map<std::string, std::string>& headers) {
    return testing::httpRequest(fake.server().port(), "POST", path, body.dump(), headers);
  };

  EXPECT_EQ(
      post("/oauth2/token",
           {{"username", FakeIys::kUsername}, {"password", "x"}, {"grant_type", "password"}}, {})
          .status,
      401);
  EXPECT_EQ(post("/oauth2/token", {{"username", FakeIys::kUsername}}, {}).status, 400);
  auto token = post("/oauth2/token",
                    {{"username", FakeIys::kUsername},
                     {"password", FakeIys::kPassword},
                     {"grant_type", "password"}},
                    {});
  ASSERT_EQ(token.status, 200);
  const Json issued = Json::parse(token.body);
  EXPECT_EQ(issued.value("expires_in", 0), 3600);
  const std::map<std::string, std::string> auth = {
      {"Authorization", "Bearer " + issued.value("access_token", std::string())}};

  const Json good = {{"recipient", kPhone}, {"recipientType", "BIREYSEL"},
                     {"type", "MESAJ"},     {"source", "HS_WEB"},
                     {"status", "ONAY"},    {"consentDate", "2024-05-01 14:03:00"}};
  EXPECT_EQ(post(consents, good, {}).status, 401);
  EXPECT_EQ(post(consents, good, {{"Authorization", "Bearer forged"}}).status, 401);

  auto codeOf = [](const testing::HttpResult& result) {
    const Json body = Json::parse(result.body, nullptr, false);
    return body.is_object() ? body["errors"][0].value("code", std::string()) : std::string();
  };
  Json no_date = good;
  no_date.erase("consentDate");
  Json bad_date = good;
  bad_date["consentDate"] = "2024-05-01T14:03:00";
  Json bad_status = good;
  bad_status["status"] = "MAYBE";
  Json no_recipient = good;
  no_recipient.erase("recipient");
  Json first_ret = good;
  first_ret["status"] = "RET";
  EXPECT_EQ(codeOf(post(consents, no_date, auth)), FakeIys::kErrorMissingField);
  EXPECT_EQ(codeOf(post(consents, bad_date, auth)), FakeIys::kErrorBadDate);
  EXPECT_EQ(codeOf(post(consents, bad_status, auth)), FakeIys::kErrorBadValue);
  EXPECT_EQ(codeOf(post(consents, no_recipient, auth)), FakeIys::kErrorMissingField);
  auto refused = post(consents, first_ret, auth);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(codeOf(refused), FakeIys::kErrorFirstRet);
  EXPECT_EQ(fake.consentCount(), 0u);

  // TACIR needs neither source nor consentDate.
  Json merchant = {
      {"recipient", kPhone}, {"recipientType", "TACIR"}, {"type", "MESAJ"}, {"status", "ONAY"}};
  EXPECT_EQ(post(consents, merchant, auth).status, 200);
  EXPECT_EQ(post(consents, good, auth).status, 200);
  EXPECT_EQ(fake.consentCount(), 2u);

  const std::string other_brand = std::string("/sps/") + FakeIys::kIysCode + "/brands/999/consents";
  EXPECT_EQ(post(other_brand, good, auth).status, 403);
  fake.expireAllTokens();
  EXPECT_EQ(post(consents, good, auth).status, 401);
}

}  // namespace
}  // namespace cartrelay::compliance
