// `cartrelay consent show|grant|withdraw|import` as the real binary, against
// the store a real daemon created: every event lands in the ledger and the
// audit chain, stale and non-affirmative imports are refused, and no phone
// number is ever printed in an error or written to the audit chain.
#include <csignal>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/daemon_harness.h"
#include "tests/support/process.h"

namespace cartrelay::testing {
namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class ConsentCli : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.writeConfig(
        "[shop.acme]\nplatform = shopify\nshop_domain = acme.myshopify.com\n"
        "webhook_secret = test_secret\ncountry = TR\n");
    // The daemon adds the configured shop to the database.
    std::string why;
    ASSERT_TRUE(h_.start(&why)) << why;
    h_.process().signal(SIGTERM);
    ASSERT_EQ(h_.process().waitExit(std::chrono::seconds(20)).value_or(-1), 0);
  }

  nlohmann::json show(const std::string& phone) {
    CommandResult shown = h_.cli({"consent", "show", "--phone", phone, "--json"});
    EXPECT_EQ(shown.exit_code, 0) << shown.output;
    return nlohmann::json::parse(shown.output, nullptr, false);
  }

  DaemonHarness h_;
};

TEST_F(ConsentCli, GrantWithdrawImportAndShowThroughTheLedger) {
  CommandResult granted =
      h_.cli({"consent", "grant", "--phone", "0532 123 45 67", "--source", "HS_WEB", "--verified",
              "--name-on-record", "--kvkk-notice", "v3", "--purposes", "abandoned_cart,campaign",
              "--at", "2026-01-10T09:00:00Z"});
  ASSERT_EQ(granted.exit_code, 0) << granted.output;
  EXPECT_TRUE(contains(granted.output, "recorded consent event 1: ONAY")) << granted.output;
  nlohmann::json state = show("+905321234567");
  EXPECT_EQ(state["current"]["status"], "ONAY");
  EXPECT_EQ(state["events"][0]["purpose_scope"], "abandoned_cart,campaign");

  CommandResult withdrawn = h_.cli({"consent", "withdraw", "--phone", "+905321234567", "--channel",
                                    "email", "--at", "2026-02-01T09:00:00Z"});
  ASSERT_EQ(withdrawn.exit_code, 0) << withdrawn.output;
  EXPECT_EQ(show("05321234567")["current"]["status"], "RET");

  const std::string csv = h_.dir().file("consents.csv");
  std::ofstream(csv) << "phone,status,consent_date,source,prechecked,verified,name_on_record\n"
                        "+905321234567,ONAY,2026-01-20 10:00:00,HS_WEB,false,true,true\n"
                        "+905551112233,ONAY,2026-01-20T10:00:00Z,HS_WEB,true,true,true\n"
                        "+905441112233,ONAY,2026-01-20T10:00:00Z,HS_WEB,false,true,true\n"
                        "12,ONAY,2026-01-20T10:00:00Z,HS_WEB,false,true,true\n";
  CommandResult imported = h_.cli({"consent", "import", csv});
  EXPECT_EQ(imported.exit_code, 1) << imported.output;
  EXPECT_TRUE(contains(imported.output, "line 2: refused: STALE_CONSENT_IMPORT"))
      << imported.output;
  EXPECT_TRUE(contains(imported.output, "line 3: refused: CONSENT_NOT_AFFIRMATIVE"))
      << imported.output;
  EXPECT_TRUE(contains(imported.output, "line 5: refused: phone is not a valid number"))
      << imported.output;
  EXPECT_TRUE(contains(imported.output, "imported 1, refused 3 of 4 rows")) << imported.output;
  EXPECT_FALSE(contains(imported.output, "5321234567")) << imported.output;
  EXPECT_FALSE(contains(imported.output, "5551112233")) << imported.output;

  EXPECT_EQ(show("+905321234567")["current"]["status"], "RET") << "the stale ONAY changed nothing";
  EXPECT_EQ(show("+905441112233")["current"]["status"], "ONAY");

  // Every event and refusal is in the audit chain, which still verifies.
  CommandResult verified = h_.cli({"audit", "verify"});
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  // config.loaded, the grant, the withdrawal, two refusals and one import.
  EXPECT_TRUE(contains(verified.output, "INTACT (6 records verified")) << verified.output;
}

TEST_F(ConsentCli, RetentionRunDestroysOldConsentProofAndKeepsTheChainIntact) {
  // A withdrawal four years ago: past the 3-year consent proof period.
  ASSERT_EQ(
      h_.cli({"consent", "withdraw", "--phone", "+905321234567", "--at", "2022-01-01T00:00:00Z"})
          .exit_code,
      0);
  CommandResult dry = h_.cli({"retention", "run", "--dry-run", "--json"});
  ASSERT_EQ(dry.exit_code, 0) << dry.output;
  nlohmann::json classes = nlohmann::json::parse(dry.output);
  ASSERT_EQ(classes.size(), 9u) << dry.output;
  for (const auto& c : classes) {
    EXPECT_EQ(c["rows"], c["data_class"] == "consent_proof" ? 1 : 0) << c.dump();
  }
  EXPECT_EQ(show("+905321234567")["current"]["status"], "RET") << "a dry run changes nothing";

  CommandResult ran = h_.cli({"retention", "run"});
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_TRUE(contains(ran.output, "consent_proof")) << ran.output;
  EXPECT_EQ(h_.cli({"consent", "show", "--phone", "+905321234567"}).exit_code, 1);
  CommandResult verified = h_.cli({"audit", "verify"});
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
}

TEST_F(ConsentCli, BadInputIsAUsageErrorThatNeverEchoesThePhone) {
  CommandResult no_source = h_.cli({"consent", "grant", "--phone", "+905321234567"});
  EXPECT_EQ(no_source.exit_code, 2) << no_source.output;
  EXPECT_TRUE(contains(no_source.output, "source")) << no_source.output;
  CommandResult bad_phone = h_.cli({"consent", "grant", "--phone", "999", "--source", "HS_WEB"});
  EXPECT_EQ(bad_phone.exit_code, 2) << bad_phone.output;
  EXPECT_FALSE(contains(bad_phone.output, "999")) << bad_phone.output;
  EXPECT_EQ(h_.cli({"consent", "grant", "--phone", "+905321234567", "--source", "HS_WEB",
                    "--purposes", "spam"})
                .exit_code,
            2);
  EXPECT_EQ(h_.cli({"consent", "show", "--phone", "+905321234567"}).exit_code, 1)
      << "nobody recorded yet";
  EXPECT_EQ(h_.cli({"consent", "show", "--phone", "+905321234567", "--shop", "nope"}).exit_code, 2);
  EXPECT_EQ(h_.cli({"consent", "import", h_.dir().file("missing.csv")}).exit_code, 2);
}

TEST_F(ConsentCli, AShopifyWhatsAppConsentWebhookReachesTheLedger) {
  // The published fixture's shape, with a phone and a state.
  const std::string file = h_.dir().file("customers_whats_app_marketing_consent_update.json");
  auto write = [&](const std::string& state, const std::string& at) {
    std::ofstream(file) << R"({"customer_id": 706405506930370084, "phone_number": "+905321234567",)"
                        << R"( "whats_app_marketing_consent": {"state": ")" << state
                        << R"(", "opt_in_level": "confirmed_opt_in", "updated_at": ")" << at
                        << R"(", "collected_from": "SHOPIFY"}})";
  };
  std::string why;
  ASSERT_TRUE(h_.start(&why)) << why;
  const std::string url = "http://127.0.0.1:" + std::to_string(h_.port());
  write("subscribed", "2026-01-10T09:00:00Z");
  CommandResult sent = h_.cli({"replay", "--shop", "acme", "--url", url, file});
  ASSERT_EQ(sent.exit_code, 0) << sent.output;
  ASSERT_TRUE(eventually(
      [&] {
        return h_.cli({"consent", "show", "--phone", "+905321234567"}).exit_code == 0;
      },
      std::chrono::seconds(20)))
      << h_.process().output();
  nlohmann::json state = show("+905321234567");
  EXPECT_EQ(state["events"][0]["event_type"], "OBSERVED");
  EXPECT_EQ(state["events"][0]["evidence_only"], true) << "consent_capture defaults to evidence";
  EXPECT_EQ(state["current"]["status"], "none");

  write("unsubscribed", "2026-01-11T09:00:00Z");
  ASSERT_EQ(h_.cli({"replay", "--shop", "acme", "--url", url, file}).exit_code, 0);
  EXPECT_TRUE(eventually([&] { return show("+905321234567")["current"]["status"] == "RET"; },
                         std::chrono::seconds(20)))
      << h_.process().output();
  EXPECT_FALSE(contains(h_.process().output(), "5321234567")) << "no phone in the daemon's log";
}

}  // namespace
}  // namespace cartrelay::testing
