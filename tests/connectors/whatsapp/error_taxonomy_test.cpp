#include "connectors/whatsapp/error_taxonomy.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/fixtures.h"

namespace cartrelay::whatsapp {
namespace {

using cartrelay::testing::readFixture;
using A = ErrorAction;

constexpr std::int64_t kSecond = 1000;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kHour = 60 * kMinute;

CloudApiError withCode(int code, int http_status = 400) {
  CloudApiError e;
  e.code = code;
  e.http_status = http_status;
  return e;
}

struct Row {
  int code;
  ErrorAction action;
  bool alert;
};

// One row per code in shared/reference/whatsapp-cloud-api.md §2.
const std::vector<Row> kReferenceTable = {
    {130429, A::kRetry, false},
    {131056, A::kRetryRecipient, false},
    {131047, A::kNever, false},
    {131026, A::kNever, false},
    {131049, A::kWaitDay, false},
    {131050, A::kOptOut, false},
    {132000, A::kNever, true},
    {132001, A::kNever, true},
    {132012, A::kNever, true},
    {132015, A::kNever, true},
    {132016, A::kNever, true},
    {190, A::kHalt, true},
    {4, A::kRetry, false},
    {80007, A::kRetry, false},
    {131000, A::kRetryBounded, false},
    {131016, A::kRetry, false},
    {1, A::kRetryBounded, false},
    {2, A::kRetryBounded, false},
    {368, A::kHalt, true},
    {131031, A::kHalt, true},
    {131048, A::kNever, false},
    {131064, A::kNever, true},
    {131042, A::kHalt, true},
    {130472, A::kNever, false},
    {131063, A::kNever, true},
    {131062, A::kNever, false},
    {131053, A::kNever, false},
};

bool isSnakeCase(std::string_view s) {
  if (s.empty() || s.front() == '_' || s.back() == '_') return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

TEST(WhatsAppErrorTaxonomy, EveryReferenceCodeMapsAsDocumented) {
  for (const Row& row : kReferenceTable) {
    // The code decides, whatever HTTP status carried it.
    for (int http : {400, 403, 429, 500, 0}) {
      const ErrorPolicy p = classifyError(withCode(row.code, http));
      EXPECT_EQ(p.action, row.action) << row.code << " http " << http;
      EXPECT_EQ(p.alert, row.alert) << row.code;
      EXPECT_TRUE(isSnakeCase(p.reason)) << row.code << " " << p.reason;
    }
  }
}

TEST(WhatsAppErrorTaxonomy, ReasonsAreDistinct) {
  std::vector<std::string_view> reasons;
  for (const Row& row : kReferenceTable)
    reasons.push_back(classifyError(withCode(row.code)).reason);
  std::sort(reasons.begin(), reasons.end());
  EXPECT_EQ(std::adjacent_find(reasons.begin(), reasons.end()), reasons.end());
  EXPECT_EQ(classifyError(withCode(130429)).reason, "throughput_limit");
  EXPECT_EQ(classifyError(withCode(131056)).reason, "pair_rate_limit");
}

TEST(WhatsAppErrorTaxonomy, UnknownCodesAndStatuses) {
  // An unknown code on a 4xx is permanent for the message.
  for (int code : {0, 100, 131008, 999999}) {
    EXPECT_EQ(classifyError(withCode(code, 400)).action, A::kNever) << code;
    EXPECT_EQ(classifyError(withCode(code, 404)).reason, "unknown_error") << code;
  }
  // 5xx without a known code: an outage, retried a few times.
  for (int http : {500, 502, 503, 504, 599}) {
    EXPECT_EQ(classifyError(withCode(0, http)).action, A::kRetryBounded) << http;
    EXPECT_EQ(classifyError(withCode(123456, http)).action, A::kRetryBounded) << http;
  }
  // 429 without a code is a throttle.
  EXPECT_EQ(classifyError(withCode(0, 429)).action, A::kRetry);
}

TEST(WhatsAppErrorTaxonomy, ParsesTokenExpiredFixture) {
  const CloudApiError e =
      parseCloudApiError(401, readFixture("whatsapp/error_190_token_expired.json"));
  EXPECT_EQ(e.http_status, 401);
  EXPECT_EQ(e.code, 190);
  ASSERT_TRUE(e.subcode.has_value());
  EXPECT_EQ(*e.subcode, 463);
  EXPECT_EQ(e.type, "OAuthException");
  EXPECT_EQ(e.fbtrace_id, "ACEyrTehk6IAd0lm05Ixogh");
  EXPECT_TRUE(e.message.starts_with("Error validating access token"));
  EXPECT_TRUE(e.details.empty());
  const ErrorPolicy p = classifyError(e);
  EXPECT_EQ(p.action, A::kHalt);
  EXPECT_TRUE(p.alert);
}

TEST(WhatsAppErrorTaxonomy, ParsesWebhookErrorObjects) {
  // These fixtures are bare errors[] entries, as in a status webhook.
  const CloudApiError reengage =
      parseCloudApiError(0, readFixture("whatsapp/error_131047_reengagement_error_object.json"));
  EXPECT_EQ(reengage.code, 131047);
  EXPECT_FALSE(reengage.subcode.has_value());
  EXPECT_EQ(reengage.message, "Re-engagement message");
  EXPECT_TRUE(reengage.details.starts_with("Message failed to send because more than 24 hours"));
  EXPECT_EQ(classifyError(reengage).action, A::kNever);

  const CloudApiError media =
      parseCloudApiError(0, readFixture("whatsapp/error_131053_media_upload_error_object.json"));
  EXPECT_EQ(media.code, 131053);
  EXPECT_EQ(media.message, "Media upload error");
  EXPECT_NE(media.details.find("http code 429"), std::string::npos);
  EXPECT_EQ(classifyError(media).action, A::kNever);
}

TEST(WhatsAppErrorTaxonomy, ParsesFullGraphEnvelope) {
  const CloudApiError e =
      parseCloudApiError(400, R"({"error":{"message":"(#131056) pair rate limit hit",
      "type":"OAuthException","code":131056,"error_data":{"messaging_product":"whatsapp",
      "details":"Message failed to send because there were too many messages sent"},
      "fbtrace_id":"Az8or2yhqkZfEZ-_4Qn_Bam"}})");
  EXPECT_EQ(e.code, 131056);
  EXPECT_EQ(e.details, "Message failed to send because there were too many messages sent");
  EXPECT_EQ(e.fbtrace_id, "Az8or2yhqkZfEZ-_4Qn_Bam");
  EXPECT_EQ(classifyError(e).action, A::kRetryRecipient);
}

TEST(WhatsAppErrorTaxonomy, GarbageBodiesGiveCodeZero) {
  for (const std::string body :
       {"", "<html><body>502 Bad Gateway</body></html>", "{}", "[]", "null", "42", "{\"error\":",
        R"({"error":"rate limited"})", R"({"error":{"code":"190"}})", R"({"error":{"code":1.5}})",
        R"({"error":{"code":99999999999}})", R"({"error":{"code":-99999999999}})",
        R"({"error":{"message":"no code"}})", R"({"errors":[{"code":190}]})"}) {
    const CloudApiError e = parseCloudApiError(502, body);
    EXPECT_EQ(e.code, 0) << body;
    EXPECT_EQ(e.http_status, 502) << body;
    EXPECT_EQ(classifyError(e).action, A::kRetryBounded) << body;
  }
  // Fields of the wrong type are left empty; the rest still parses.
  const CloudApiError e = parseCloudApiError(
      400, R"({"error":{"code":131047,"error_subcode":"x","type":7,"message":null,
               "error_data":"oops","fbtrace_id":["a"]}})");
  EXPECT_EQ(e.code, 131047);
  EXPECT_FALSE(e.subcode.has_value());
  EXPECT_TRUE(e.type.empty());
  EXPECT_TRUE(e.message.empty());
  EXPECT_TRUE(e.details.empty());
  EXPECT_TRUE(e.fbtrace_id.empty());
}

TEST(WhatsAppErrorTaxonomy, RecipientBackoffIsFourToTheX) {
  // Meta: "retry after 4^X seconds (X=0,1,2…)"; no jitter at 0.
  const std::vector<std::int64_t> expected = {1 * kSecond, 4 * kSecond, 16 * kSecond, 64 * kSecond,
                                              256 * kSecond};
  ASSERT_EQ(maxAttempts(A::kRetryRecipient), static_cast<int>(expected.size()));
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(retryDelayMs(A::kRetryRecipient, static_cast<int>(i) + 1, 0.0), expected[i]) << i;
  }
}

TEST(WhatsAppErrorTaxonomy, DelaysGrowAndAreBounded) {
  for (A action : {A::kRetry, A::kRetryBounded, A::kRetryRecipient, A::kWaitDay}) {
    ASSERT_GT(maxAttempts(action), 0) << toString(action);
    std::int64_t previous = 0;
    for (int attempt = 1; attempt <= maxAttempts(action); ++attempt) {
      const std::int64_t d = retryDelayMs(action, attempt, 0.0);
      EXPECT_GT(d, 0) << toString(action) << " attempt " << attempt;
      EXPECT_GE(d, previous) << toString(action) << " attempt " << attempt;
      if (action != A::kWaitDay && attempt > 1 && d < 30 * kMinute) {
        EXPECT_GT(d, previous) << toString(action) << " attempt " << attempt;
      }
      previous = d;
    }
    // Past the last attempt (or absurd attempt numbers) nothing overflows.
    const std::int64_t last = retryDelayMs(action, maxAttempts(action), 0.0);
    EXPECT_EQ(retryDelayMs(action, 1000, 0.0), last) << toString(action);
    EXPECT_EQ(retryDelayMs(action, std::numeric_limits<int>::max(), 0.0), last);
    EXPECT_LE(retryDelayMs(action, std::numeric_limits<int>::max(), 0.999999), 25 * kHour);
    // attempt < 1 is the first retry.
    EXPECT_EQ(retryDelayMs(action, 0, 0.0), retryDelayMs(action, 1, 0.0));
    EXPECT_EQ(retryDelayMs(action, -5, 0.0), retryDelayMs(action, 1, 0.0));
  }
  EXPECT_LE(retryDelayMs(A::kRetry, 1000, 0.0), 30 * kMinute);
  EXPECT_LE(retryDelayMs(A::kRetryBounded, 1000, 0.0), 80 * kSecond);
}

TEST(WhatsAppErrorTaxonomy, WaitDayIsAtLeastADay) {
  for (double j : {0.0, 0.5, 0.999}) {
    const std::int64_t d = retryDelayMs(A::kWaitDay, 1, j);
    EXPECT_GE(d, 24 * kHour);
    EXPECT_LE(d, 25 * kHour);
  }
  EXPECT_EQ(maxAttempts(A::kWaitDay), 1);
}

TEST(WhatsAppErrorTaxonomy, JitterOnlyAddsAndStaysWithinAQuarter) {
  for (A action : {A::kRetry, A::kRetryBounded, A::kRetryRecipient, A::kWaitDay}) {
    for (int attempt = 1; attempt <= maxAttempts(action); ++attempt) {
      const std::int64_t nominal = retryDelayMs(action, attempt, 0.0);
      const std::int64_t max_jitter = action == A::kWaitDay ? kHour : nominal / 4;
      for (double j :
           {0.0, 0.1, 0.25, 0.5, 0.75, 0.999999, 1.0, 7.0, -1.0,
            std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
        const std::int64_t d = retryDelayMs(action, attempt, j);
        EXPECT_GE(d, nominal) << toString(action) << " j=" << j;
        EXPECT_LE(d, nominal + max_jitter) << toString(action) << " j=" << j;
      }
    }
    // Jitter actually spreads retries.
    EXPECT_GT(retryDelayMs(action, 1, 0.9), retryDelayMs(action, 1, 0.1)) << toString(action);
  }
}

TEST(WhatsAppErrorTaxonomy, RetryScaleFollowsTheCode) {
  // 130429 backs off in seconds, app/WABA limits and outages in minutes.
  const ErrorPolicy throughput = classifyError(withCode(130429));
  EXPECT_EQ(retryDelayMs(throughput, 1, 0.0), 2 * kSecond);
  EXPECT_EQ(retryDelayMs(throughput, 2, 0.0), 4 * kSecond);
  for (int code : {4, 80007, 131016}) {
    const ErrorPolicy p = classifyError(withCode(code));
    EXPECT_EQ(retryDelayMs(p, 1, 0.0), 1 * kMinute) << code;
    EXPECT_EQ(retryDelayMs(p, 2, 0.0), 2 * kMinute) << code;
    EXPECT_EQ(retryDelayMs(p, maxAttempts(p.action), 0.0), 30 * kMinute) << code;
  }
  // The action-only overload uses the seconds scale.
  EXPECT_EQ(retryDelayMs(A::kRetry, 1, 0.0), 2 * kSecond);
  // The policy overload agrees with the action one for the fixed schedules.
  const ErrorPolicy pair = classifyError(withCode(131056));
  EXPECT_EQ(retryDelayMs(pair, 3, 0.3), retryDelayMs(A::kRetryRecipient, 3, 0.3));
}

TEST(WhatsAppErrorTaxonomy, ActionsWithoutRetry) {
  for (A action : {A::kNever, A::kOptOut, A::kHalt}) {
    EXPECT_EQ(maxAttempts(action), 0) << toString(action);
    EXPECT_EQ(retryDelayMs(action, 1, 0.5), 0) << toString(action);
  }
  EXPECT_EQ(maxAttempts(A::kRetryBounded), 3);
  EXPECT_EQ(toString(A::kRetryRecipient), "retry_recipient");
}

}  // namespace
}  // namespace cartrelay::whatsapp
