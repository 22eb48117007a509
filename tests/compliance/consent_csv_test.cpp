#include "compliance/consent_csv.h"

#include <gtest/gtest.h>

namespace cartrelay::compliance {
namespace {

class ConsentCsv : public ::testing::Test {
 protected:
  void SetUp() override {
    auto zone = core::TimeZone::load("Europe/Istanbul");
    ASSERT_TRUE(zone.isOk()) << zone.status().toString();
    turkiye_.emplace(std::move(zone).value());
  }
  std::optional<core::TimeZone> turkiye_;
};

TEST_F(ConsentCsv, MapsEveryColumnAndReadsBothDateForms) {
  auto rows = parseConsentCsv(
      "phone,status,consent_date,source,recipient_type,purposes,kvkk_notice_version,"
      "consent_text_sha256,verified,name_on_record\n"
      "0532 123 45 67,ONAY,2024-05-01 14:03:00,HS_WEB,BIREYSEL,\"campaign,abandoned_cart\",v3,"
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,true,yes\n"
      "+905551112233,RET,2024-06-01T10:00:00Z,HS_MESAJ,,,,,,\n",
      *turkiye_);
  ASSERT_TRUE(rows.isOk()) << rows.status().toString();
  ASSERT_EQ(rows->size(), 2u);
  const ConsentImportRow& onay = (*rows)[0];
  EXPECT_EQ(onay.error, "");
  EXPECT_EQ(onay.line, 2);
  EXPECT_EQ(onay.phone, "0532 123 45 67");
  EXPECT_EQ(onay.event.status, ConsentStatus::kOnay);
  EXPECT_EQ(onay.event.event_type, "IMPORT");
  // 14:03 in Istanbul (UTC+3) is 11:03 UTC: 1714561380000.
  EXPECT_EQ(onay.event.event_at, 1714561380000);
  EXPECT_EQ(onay.event.purpose_scope,
            (std::set<Purpose>{Purpose::kCampaign, Purpose::kAbandonedCart}));
  EXPECT_EQ(onay.event.kvkk_notice_version, "v3");
  EXPECT_TRUE(onay.event.verified);
  EXPECT_TRUE(onay.event.complete);
  EXPECT_EQ(onay.event.capture_point, "import");
  EXPECT_TRUE(onay.affirmative);

  const ConsentImportRow& ret = (*rows)[1];
  EXPECT_EQ(ret.event.status, ConsentStatus::kRet);
  EXPECT_EQ(ret.event.event_at, 1717236000000);
  EXPECT_FALSE(ret.event.verified) << "unverified unless the file says so";
  EXPECT_FALSE(ret.event.complete);
  EXPECT_EQ(ret.event.withdrawal_channel, "import");
}

TEST_F(ConsentCsv, PrecheckedOrImpliedConsentIsNotAffirmative) {
  auto rows = parseConsentCsv(
      "phone,status,consent_date,source,prechecked,implied\n"
      "+905321234567,ONAY,2024-05-01T10:00:00Z,HS_WEB,true,false\n"
      "+905321234568,ONAY,2024-05-01T10:00:00Z,HS_WEB,false,1\n"
      "+905321234569,ONAY,2024-05-01T10:00:00Z,HS_WEB,false,false\n",
      *turkiye_);
  ASSERT_TRUE(rows.isOk());
  EXPECT_FALSE((*rows)[0].affirmative);
  EXPECT_FALSE((*rows)[1].affirmative);
  EXPECT_TRUE((*rows)[2].affirmative);
}

TEST_F(ConsentCsv, RowProblemsStayWithTheirRowAndNeverQuoteIt) {
  auto rows = parseConsentCsv(
      "phone,status,consent_date,source\n"
      "+905321234567,MAYBE,2024-05-01T10:00:00Z,HS_WEB\n"
      "+905321234567,ONAY,yesterday,HS_WEB\n"
      "+905321234567,ONAY,2024-05-01T10:00:00Z,website\n"
      "+905321234567,ONAY\n"
      "+905321234567,ONAY,2024-05-01T10:00:00Z,HS_WEB\n",
      *turkiye_);
  ASSERT_TRUE(rows.isOk());
  ASSERT_EQ(rows->size(), 5u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_NE((*rows)[i].error, "") << i;
    EXPECT_EQ((*rows)[i].error.find("5321234567"), std::string::npos);
  }
  EXPECT_EQ((*rows)[4].error, "");
}

TEST_F(ConsentCsv, FileProblemsAreErrors) {
  EXPECT_FALSE(parseConsentCsv("", *turkiye_).isOk());
  auto missing = parseConsentCsv("phone,status,source\n", *turkiye_);
  ASSERT_FALSE(missing.isOk());
  EXPECT_NE(missing.status().message().find("consent_date"), std::string::npos);
  auto typo = parseConsentCsv("phone,status,consent_date,source,verifed\n", *turkiye_);
  ASSERT_FALSE(typo.isOk());
  EXPECT_NE(typo.status().message().find("verifed"), std::string::npos);
  EXPECT_FALSE(parseConsentCsv("phone,phone,status,consent_date,source\n", *turkiye_).isOk());
}

}  // namespace
}  // namespace cartrelay::compliance
