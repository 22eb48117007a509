#include "compliance/reason.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace cartrelay::compliance {
namespace {

TEST(Reason, EveryReasonRoundTrips) {
  std::set<std::string_view> codes;
  for (Reason reason : allReasons()) {
    const std::string_view code = toString(reason);
    ASSERT_FALSE(code.empty()) << static_cast<int>(reason);
    EXPECT_TRUE(codes.insert(code).second) << "duplicate code " << code;
    const auto parsed = parseReason(code);
    ASSERT_TRUE(parsed.has_value()) << code;
    EXPECT_EQ(*parsed, reason) << code;
  }
}

TEST(Reason, TableCoversEveryEnumerator) {
  // Enumerators are numbered 0..n-1; one past the end is not a reason, so an
  // enumerator appended without a table entry shows up here.
  const auto n = allReasons().size();
  for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(static_cast<std::size_t>(allReasons()[i]), i);
  EXPECT_TRUE(toString(static_cast<Reason>(n)).empty());
}

TEST(Reason, CodesAreUpperSnakeCase) {
  for (Reason reason : allReasons()) {
    for (char c : toString(reason)) {
      EXPECT_TRUE((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') << toString(reason);
    }
  }
}

// The codes DESIGN.md "The gate" and the issue name, spelled exactly.
TEST(Reason, DesignCodesAreSpelledAsDocumented) {
  EXPECT_EQ(toString(Reason::kNoConsent), "NO_CONSENT");
  EXPECT_EQ(toString(Reason::kConsentWithdrawn), "CONSENT_WITHDRAWN");
  EXPECT_EQ(toString(Reason::kIysNoConsent), "IYS_NO_CONSENT");
  EXPECT_EQ(toString(Reason::kFrequencyCap), "FREQUENCY_CAP");
  EXPECT_EQ(toString(Reason::kQuietHours), "QUIET_HOURS");
  EXPECT_EQ(toString(Reason::kOutsideServiceWindow), "OUTSIDE_SERVICE_WINDOW");
  EXPECT_EQ(toString(Reason::kPurchaseCompleted), "PURCHASE_COMPLETED");
  EXPECT_EQ(toString(Reason::kErased), "ERASED");
  EXPECT_EQ(toString(Reason::kInvalidPhone), "INVALID_PHONE");
  EXPECT_EQ(toString(Reason::kTransferBasisMissing), "TRANSFER_BASIS_MISSING");
  EXPECT_EQ(toString(Reason::kAuditUnavailable), "AUDIT_UNAVAILABLE");
  EXPECT_EQ(toString(Reason::kTemplateNotApproved), "TEMPLATE_NOT_APPROVED");
  EXPECT_EQ(toString(Reason::kBlocked), "BLOCKED");
}

TEST(Reason, ParseRejectsUnknownAndNearMisses) {
  EXPECT_FALSE(parseReason("").has_value());
  EXPECT_FALSE(parseReason("no_consent").has_value());
  EXPECT_FALSE(parseReason("NO_CONSENT ").has_value());
  EXPECT_FALSE(parseReason("kNoConsent").has_value());
  EXPECT_FALSE(parseReason("OPTED_OUT").has_value());  // the rule list's alias, not a wire code
  EXPECT_FALSE(parseReason(std::string_view("NO_CONSENT\0", 11)).has_value());
}

}  // namespace
}  // namespace cartrelay::compliance
