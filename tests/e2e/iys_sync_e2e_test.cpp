// compliance.iys = api against a fake İYS: the running daemon uploads a
// consent recorded with `consent grant` and records a citizen's withdrawal
// made on İYS in the ledger.
#include <csignal>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/daemon_harness.h"
#include "tests/support/fake_iys.h"
#include "tests/support/http_client.h"
#include "tests/support/process.h"

namespace cartrelay::testing {
namespace {

TEST(IysSyncE2E, TheDaemonUploadsLocalConsentsAndPullsIysWithdrawals) {
  FakeIys iys;
  DaemonHarness h;
  h.writeConfig(
      "[shop.acme]\nplatform = shopify\nshop_domain = acme.myshopify.com\n"
      "webhook_secret = test_secret\ncountry = TR\n"
      "[compliance]\niys = api\niys_url = " +
      iys.baseUrl() + "\niys_username = " + FakeIys::kUsername +
      "\niys_password = " + FakeIys::kPassword + "\niys_code = " + FakeIys::kIysCode +
      "\niys_brand_code = " + FakeIys::kBrandCode + "\niys_sync_interval = 1s\n");
  std::string why;
  ASSERT_TRUE(h.start(&why)) << why;

  ASSERT_EQ(h.cli({"consent", "grant", "--phone", "+905321234567", "--source", "HS_WEB",
                   "--verified", "--name-on-record", "--kvkk-notice", "v1"})
                .exit_code,
            0);
  ASSERT_TRUE(eventually([&] { return iys.consent("+905321234567").has_value(); },
                         std::chrono::seconds(20)))
      << h.process().output();
  EXPECT_EQ(iys.consent("+905321234567")->status, "ONAY");
  // Uploaded in time: the overdue alert for the shop reads 0 (the 3-business-
  // day arithmetic itself is iys_sync_test's).
  EXPECT_TRUE(eventually(
      [&] {
        return httpRequest(h.port(), "GET", "/metrics")
                   .body.find("cartrelay_iys_upload_overdue{shop=\"acme\"} 0") != std::string::npos;
      },
      std::chrono::seconds(20)))
      << httpRequest(h.port(), "GET", "/metrics").body;

  // The citizen says RET on İYS's own site; the daemon hears it. İYS dates
  // have whole seconds: let the clock pass the grant's second first.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  FakeIys::Record ret = *iys.consent("+905321234567");
  ret.status = "RET";
  ret.source = "IYS_WEB";
  ret.consent_date = FakeIys::nowInTurkey();
  ret.transaction_id.clear();
  ret.creation_date.clear();
  iys.addChange(ret);
  EXPECT_TRUE(eventually(
      [&] {
        CommandResult shown = h.cli({"consent", "show", "--phone", "+905321234567", "--json"});
        auto state = nlohmann::json::parse(shown.output, nullptr, false);
        return state.is_object() && state["current"]["status"] == "RET";
      },
      std::chrono::seconds(20)))
      << h.cli({"consent", "show", "--phone", "+905321234567"}).output;
  EXPECT_EQ(h.process().output().find("5321234567"), std::string::npos)
      << "no phone in the daemon's log";
  h.process().signal(SIGTERM);
  ASSERT_EQ(h.process().waitExit(std::chrono::seconds(20)).value_or(-1), 0);
  EXPECT_EQ(h.cli({"audit", "verify"}).exit_code, 0);
}

}  // namespace
}  // namespace cartrelay::testing
