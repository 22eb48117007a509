// A data subject's access and erasure requests against the real daemon and
// the real binary: after `subject erase` the person's phone, e-mail, name
// and address appear nowhere in the database files, the logs or an export
// (byte search), and `audit verify` still exits 0.
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/daemon_harness.h"
#include "tests/e2e/webhook_client.h"
#include "tests/support/fixtures.h"
#include "tests/support/process.h"

namespace cartrelay::testing {
namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// What identifies the person, as bytes that must vanish.
const std::vector<std::string> kPersonalData = {"5321234567", "aysegul.erase@example.com",
                                                "Ayşegül", "Yıldırımtest", "O'Connor"};

TEST(SubjectCli, ExportThenEraseLeavesNoTraceAndTheAuditChainIntact) {
  DaemonHarness h;
  h.writeConfig(
      "[shop.acme]\nplatform = shopify\nshop_domain = acme.myshopify.com\n"
      "webhook_secret = test_secret\ncountry = TR\n[compliance]\naudit_anchor_file = " +
      h.dir().file("anchors.jsonl") + "\naudit_checkpoint_interval = 1s\n");
  std::string why;
  ASSERT_TRUE(h.start(&why)) << why;

  // Shopify's published customers/create payload, made to be this person.
  nlohmann::json customer = nlohmann::json::parse(readFixture("shopify/customers_create.json"));
  customer["phone"] = "+905321234567";
  customer["email"] = "aysegul.erase@example.com";
  customer["first_name"] = "Ayşegül";
  customer["last_name"] = "Yıldırımtest";
  const std::string file = h.dir().file("customers_create.json");
  std::ofstream(file) << customer.dump();
  const std::string url = "http://127.0.0.1:" + std::to_string(h.port());
  ASSERT_EQ(h.cli({"replay", "--shop", "acme", "--url", url, file}).exit_code, 0);
  ASSERT_TRUE(eventually(
      [&] {
        return h.cli({"customers", "show", "--phone", "05321234567"}).exit_code == 0;
      },
      std::chrono::seconds(20)))
      << h.process().output();
  ASSERT_EQ(h.cli({"consent", "grant", "--phone", "05321234567", "--source", "HS_WEB", "--verified",
                   "--name-on-record", "--kvkk-notice", "v1"})
                .exit_code,
            0);

  CommandResult exported = h.cli({"subject", "export", "--email", "aysegul.erase@example.com"});
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  nlohmann::json doc = nlohmann::json::parse(exported.output);
  ASSERT_EQ(doc["customers"].size(), 1u);
  EXPECT_EQ(doc["customers"][0]["first_name"], "Ayşegül");
  EXPECT_EQ(doc["customers"][0]["phone"], "+905321234567");
  EXPECT_EQ(doc["consent_events"].size(), 1u);

  CommandResult erased = h.cli({"subject", "erase", "--phone", "+905321234567"});
  ASSERT_EQ(erased.exit_code, 0) << erased.output;
  EXPECT_TRUE(contains(erased.output, "erased: 1 customer profile(s)")) << erased.output;

  // The platform still holds the customer: a fresh delivery of the same
  // profile (a new delivery id, so not a duplicate) must not bring it back.
  ASSERT_EQ(h.cli({"replay", "--shop", "acme", "--url", url, file}).exit_code, 0);
  ASSERT_TRUE(inboxSettles(h)) << h.process().output();
  nlohmann::json inbox = cliJson(h, {"inbox", "list"});
  ASSERT_EQ(inbox.size(), 2u) << inbox.dump();
  EXPECT_EQ(h.cli({"customers", "show", "--phone", "05321234567"}).exit_code, 1);

  h.process().signal(SIGTERM);
  ASSERT_EQ(h.process().waitExit(std::chrono::seconds(20)).value_or(-1), 0);

  // What remains is the minimal consent proof (rule 46), without a profile.
  CommandResult by_phone = h.cli({"subject", "export", "--phone", "+905321234567"});
  ASSERT_EQ(by_phone.exit_code, 0) << by_phone.output;
  nlohmann::json remains = nlohmann::json::parse(by_phone.output);
  EXPECT_TRUE(remains["customers"].empty());
  EXPECT_EQ(remains["consent_events"].size(), 1u);
  CommandResult by_email = h.cli({"subject", "export", "--email", "aysegul.erase@example.com"});
  EXPECT_EQ(by_email.exit_code, 1) << by_email.output;
  EXPECT_EQ(h.cli({"customers", "show", "--phone", "05321234567"}).exit_code, 1);

  // (name, bytes) of every place the person could still be found.
  std::vector<std::pair<std::string, std::string>> places = {
      {"daemon.log", slurp(h.dir().file("daemon.log"))},
      {"anchors.jsonl", slurp(h.dir().file("anchors.jsonl"))},
      {"export by phone", by_phone.output},
      {"export by e-mail", by_email.output}};
  for (const auto& entry : std::filesystem::directory_iterator(h.dir().path())) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("cartrelay.db", 0) == 0) places.emplace_back(name, slurp(entry.path()));
  }
  ASSERT_GE(places.size(), 5u) << "the SQLite file itself was searched";
  for (const auto& [name, bytes] : places) {
    for (const std::string& needle : kPersonalData) {
      EXPECT_FALSE(contains(bytes, needle)) << needle << " found in " << name;
    }
  }

  CommandResult verified = h.cli({"audit", "verify"});
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_TRUE(contains(verified.output, "INTACT")) << verified.output;
}

TEST(SubjectCli, ShopifysDataRequestAndRedactWebhooksAreCarriedOut) {
  DaemonHarness h;
  h.writeConfig(
      "[shop.acme]\nplatform = shopify\nshop_domain = acme.myshopify.com\n"
      "webhook_secret = test_secret\ncountry = TR\n");
  std::string why;
  ASSERT_TRUE(h.start(&why)) << why;
  const std::string url = "http://127.0.0.1:" + std::to_string(h.port());
  // The customer the published compliance payloads name (id 191167).
  nlohmann::json customer = nlohmann::json::parse(readFixture("shopify/customers_create.json"));
  customer["id"] = 191167;
  customer["email"] = "john@example.com";
  const std::string create = h.dir().file("customers_create.json");
  std::ofstream(create) << customer.dump();
  ASSERT_EQ(h.cli({"replay", "--shop", "acme", "--url", url, create}).exit_code, 0);
  ASSERT_TRUE(eventually(
      [&] {
        return h.cli({"customers", "show", "--email", "john@example.com"}).exit_code == 0;
      },
      std::chrono::seconds(20)));

  CommandResult asked = h.cli({"replay", "--shop", "acme", "--url", url,
                               fixturePath("shopify/customers_data_request.json")});
  ASSERT_EQ(asked.exit_code, 0) << asked.output;
  std::string export_file;
  ASSERT_TRUE(eventually(
      [&] {
        std::error_code ec;
        for (const auto& e : std::filesystem::directory_iterator(h.dir().file("exports"), ec)) {
          export_file = e.path().string();
        }
        return !export_file.empty();
      },
      std::chrono::seconds(20)))
      << h.process().output();
  nlohmann::json exported = nlohmann::json::parse(slurp(export_file));
  ASSERT_EQ(exported["customers"].size(), 1u);
  EXPECT_EQ(exported["customers"][0]["email"], "john@example.com");
  EXPECT_EQ(std::filesystem::status(export_file).permissions() &
                (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
            std::filesystem::perms::none)
      << "the export is for the merchant's eyes only";

  ASSERT_EQ(h.cli({"replay", "--shop", "acme", "--url", url,
                   fixturePath("shopify/customers_redact.json")})
                .exit_code,
            0);
  EXPECT_TRUE(eventually(
      [&] {
        return h.cli({"customers", "show", "--email", "john@example.com"}).exit_code == 1;
      },
      std::chrono::seconds(20)))
      << h.process().output();
  EXPECT_FALSE(contains(h.process().output(), "john@example.com")) << "never in the log";
  EXPECT_EQ(h.cli({"audit", "verify"}).exit_code, 0);
}

}  // namespace
}  // namespace cartrelay::testing
