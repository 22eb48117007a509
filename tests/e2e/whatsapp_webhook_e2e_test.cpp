// GET|POST /webhooks/whatsapp on the real binary, with the fake Cloud API
// posting signed webhooks back: the verification handshake; the published
// signature vector verifies and a re-serialised body does not; status
// webhooks, out of order and repeated, leave the right final state; a STOP
// reply and a user_preferences stop are withdrawals that deny the next
// marketing message, each confirmed once by a free-form reply inside the
// customer service window (and only there).
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/daemon_harness.h"
#include "tests/e2e/webhook_client.h"
#include "tests/support/fake_cloud_api.h"
#include "tests/support/fixtures.h"
#include "tests/support/http_client.h"
#include "tests/support/process.h"

namespace cartrelay::testing {
namespace {

constexpr const char* kAppSecret = "app-secret-for-tests";
constexpr const char* kPhone = "+905321234567";
constexpr const char* kDigits = "905321234567";

class WhatsAppWebhookE2E : public ::testing::Test {
 protected:
  // `cart_status`: abandoned_cart_1h's status in Meta's template list,
  // which the daemon syncs at start.
  void start(const std::string& app_secret = kAppSecret,
             const std::string& cart_status = "APPROVED") {
    meta_.setTemplates(nlohmann::json::array({{{"name", "abandoned_cart_1h"},
                                               {"language", "tr"},
                                               {"status", cart_status},
                                               {"category", "MARKETING"},
                                               {"id", "1002"}}}));
    const auto& o = meta_.options();
    h_.writeConfig(
        "mode = live\napi_base = " + meta_.baseUrl() + "\napi_version = " + o.version +
        "\nphone_number_id = " + o.phone_number_id + "\nwaba_id = " + o.waba_id +
        "\naccess_token = " + o.access_token + "\napp_secret = " + app_secret +
        "\nverify_token = verify-me-please\n"
        "[shop.acme]\nplatform = shopify\nshop_domain = acme.myshopify.com\n"
        "webhook_secret = test_secret\ncountry = TR\n"
        "[compliance]\ntransfer_basis = explicit_consent\nquiet_hours = 00:00-23:59\n"
        "max_per_day = 10\nmax_per_week = 10\nopt_in_keywords = BAŞLA\n"
        "[template.cart]\nmeta_name = abandoned_cart_1h\npurpose = abandoned_cart\n"
        "sender_id = Acme\nopt_out = Reklam almamak için RET yazın\nbody_params = first_name\n");
    std::string why;
    ASSERT_TRUE(h_.start(&why)) << why;
    meta_.setWebhookTarget(h_.port(), app_secret);
  }

  void grant() {
    ASSERT_EQ(h_.cli({"consent", "grant", "--phone", kPhone, "--source", "HS_WEB", "--verified",
                      "--name-on-record", "--kvkk-notice", "v1"})
                  .exit_code,
              0);
  }

  CommandResult sendCart() {
    return h_.cli({"send", "--to", kPhone, "--template", "cart", "--param", "first_name=Ayşe"});
  }

  nlohmann::json outbox() { return cliJson(h_, {"outbox", "list"}); }

  std::string consentStatus() {
    auto shown = nlohmann::json::parse(
        h_.cli({"consent", "show", "--phone", kPhone, "--json"}).output, nullptr, false);
    return shown.is_object() ? shown["current"]["status"].get<std::string>() : "";
  }

  FakeCloudApi meta_;
  DaemonHarness h_;
};

TEST_F(WhatsAppWebhookE2E, TheVerificationHandshakeAnswersTheRawChallenge) {
  start();
  HttpResult ok = httpRequest(
      h_.port(), "GET",
      "/webhooks/"
      "whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=verify-me-please");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "1158201444");
  HttpResult wrong = httpRequest(
      h_.port(), "GET",
      "/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=nope");
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(wrong.body.find("1158201444"), std::string::npos);
}

TEST_F(WhatsAppWebhookE2E, ThePublishedSignatureVerifiesAndAReserialisedBodyDoesNot) {
  // shared/fixtures/whatsapp/SOURCES.md: a real Meta-signed delivery.
  start("1222e786b144d0e85b9f365372d93676");
  const std::string raw = readFixture("whatsapp/webhook_inbound_text_signed_raw_body.json");
  const std::string header =
      "sha256=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441";
  HttpResult accepted =
      httpRequest(h_.port(), "POST", "/webhooks/whatsapp", raw,
                  {{"X-Hub-Signature-256", header}, {"Content-Type", "application/json"}});
  EXPECT_EQ(accepted.status, 200) << accepted.body;
  HttpResult again =
      httpRequest(h_.port(), "POST", "/webhooks/whatsapp", raw,
                  {{"X-Hub-Signature-256", header}, {"Content-Type", "application/json"}});
  EXPECT_EQ(again.status, 200);
  EXPECT_NE(again.body.find("duplicate"), std::string::npos) << again.body;
  const std::string reserialised = nlohmann::json::parse(raw).dump();
  ASSERT_NE(reserialised, raw);
  HttpResult refused =
      httpRequest(h_.port(), "POST", "/webhooks/whatsapp", reserialised,
                  {{"X-Hub-Signature-256", header}, {"Content-Type", "application/json"}});
  EXPECT_EQ(refused.status, 401);
  ASSERT_TRUE(inboxSettles(h_));
  nlohmann::json inbox = cliJson(h_, {"inbox", "list"});
  ASSERT_EQ(inbox.size(), 1u) << inbox.dump();
  EXPECT_EQ(inbox[0]["state"], "done") << inbox.dump();
}

TEST_F(WhatsAppWebhookE2E, OutOfOrderAndRepeatedStatusesLeaveTheRightState) {
  start();
  grant();
  meta_.setAutoStatuses({"sent", "delivered"});
  ASSERT_EQ(sendCart().exit_code, 0);
  ASSERT_TRUE(
      eventually([&] { return outbox()[0]["state"] == "delivered"; }, std::chrono::seconds(20)))
      << outbox().dump();
  const std::string wamid = outbox()[0]["wamid"];
  // read, then a late sent and delivered again, then a stray failed.
  EXPECT_EQ(meta_.post(meta_.statusBody(wamid, "read", kDigits)).status, 200);
  EXPECT_EQ(meta_.post(meta_.statusBody(wamid, "sent", kDigits)).status, 200);
  EXPECT_EQ(meta_.post(meta_.statusBody(wamid, "delivered", kDigits)).status, 200);
  EXPECT_EQ(meta_.post(meta_.statusBody(wamid, "failed", kDigits)).status, 200);
  ASSERT_TRUE(inboxSettles(h_));
  nlohmann::json row = outbox()[0];
  EXPECT_EQ(row["state"], "read") << row.dump();
  EXPECT_EQ(row["wamid"], wamid);
}

TEST_F(WhatsAppWebhookE2E, AStopReplyAndAPreferenceStopAreWithdrawals) {
  start();
  grant();
  // Meta's timestamps have whole seconds: let the clock pass the grant's.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_EQ(meta_.post(meta_.inboundTextBody(kDigits, "  İptal! ")).status, 200);
  ASSERT_TRUE(eventually([&] { return consentStatus() == "RET"; }, std::chrono::seconds(20)));
  CommandResult denied = sendCart();
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_NE(denied.output.find("CONSENT_WITHDRAWN"), std::string::npos) << denied.output;

  // Consent again, then Meta's own marketing stop.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  grant();
  ASSERT_EQ(consentStatus(), "ONAY");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  const std::string preference_stop = meta_.userPreferencesBody(kDigits, "stop");
  ASSERT_EQ(meta_.post(preference_stop).status, 200);
  ASSERT_TRUE(eventually([&] { return consentStatus() == "RET"; }, std::chrono::seconds(20)));
  EXPECT_NE(sendCart().output.find("CONSENT_WITHDRAWN"), std::string::npos);

  // Each withdrawal was confirmed once, with the default free-form text: the
  // "İptal!" opened the service window both replies went out in. No
  // marketing template went anywhere.
  ASSERT_TRUE(eventually([&] { return meta_.acceptedCount() >= 2; }, std::chrono::seconds(20)));
  const auto sent = meta_.accepted();
  ASSERT_EQ(sent.size(), 2u);
  for (const auto& m : sent) {
    EXPECT_EQ(m.type, "text");
    EXPECT_EQ(m.to, kPhone);
    EXPECT_NE(m.text_body.find("unsubscribed"), std::string::npos) << m.text_body;
  }
  nlohmann::json rows = outbox();
  int confirmations = 0;
  for (const auto& row : rows) {
    if (row["template"] == "opt_out_confirmation") {
      ++confirmations;
      EXPECT_EQ(row["purpose_class"], "TRANSACTIONAL") << row.dump();
    }
  }
  EXPECT_EQ(confirmations, 2) << rows.dump();
  // Meta delivers the same webhook again: no second confirmation.
  ASSERT_EQ(meta_.post(preference_stop).status, 200);
  ASSERT_TRUE(inboxSettles(h_));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(meta_.acceptedCount(), 2u);
  EXPECT_EQ(h_.process().output().find("5321234567"), std::string::npos)
      << "no phone in the daemon's log";
}

TEST_F(WhatsAppWebhookE2E, AStopWithoutAnOpenServiceWindowIsRecordedButNotAnswered) {
  start();
  grant();
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  // Meta's preference stop, from someone who has not written to the shop.
  ASSERT_EQ(meta_.post(meta_.userPreferencesBody(kDigits, "stop")).status, 200);
  ASSERT_TRUE(eventually([&] { return consentStatus() == "RET"; }, std::chrono::seconds(20)));
  ASSERT_TRUE(inboxSettles(h_));
  nlohmann::json rows = outbox();
  ASSERT_EQ(rows.size(), 1u) << rows.dump();
  EXPECT_EQ(rows[0]["template"], "opt_out_confirmation");
  EXPECT_EQ(rows[0]["state"], "suppressed") << rows.dump();
  EXPECT_EQ(rows[0]["reason"], "OUTSIDE_SERVICE_WINDOW") << rows.dump();
  EXPECT_EQ(meta_.acceptedCount(), 0u) << "a free-form message there would fail with 131047";
}

TEST_F(WhatsAppWebhookE2E, AnOptInKeywordIsEvidenceNotConsent) {
  start();
  grant();
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_EQ(meta_.post(meta_.inboundTextBody(kDigits, "STOP")).status, 200);
  ASSERT_TRUE(eventually([&] { return consentStatus() == "RET"; }, std::chrono::seconds(20)));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_EQ(meta_.post(meta_.inboundTextBody(kDigits, "başla")).status, 200);
  ASSERT_TRUE(inboxSettles(h_));

  auto shown = nlohmann::json::parse(
      h_.cli({"consent", "show", "--phone", kPhone, "--json"}).output, nullptr, false);
  ASSERT_TRUE(shown.is_object());
  const nlohmann::json& last = shown["events"].back();
  EXPECT_EQ(last["capture_point"], "wa_reply") << last.dump();
  EXPECT_EQ(last["evidence_only"], true) << last.dump();
  EXPECT_EQ(last["source"], "HS_MESAJ") << last.dump();
  // Evidence does not undo the withdrawal: consent needs the shop's notice.
  EXPECT_EQ(consentStatus(), "RET");
  EXPECT_NE(sendCart().output.find("CONSENT_WITHDRAWN"), std::string::npos);
}

TEST_F(WhatsAppWebhookE2E, APausedTemplateHoldsItsMessagesUntilMetaApprovesIt) {
  start(kAppSecret, "PAUSED");
  grant();
  HttpResult metrics = httpRequest(h_.port(), "GET", "/metrics");
  EXPECT_NE(metrics.body.find("cartrelay_template_sendable{template=\"cart\"} 0"),
            std::string::npos);
  EXPECT_NE(h_.process().output().find("whatsapp.template_unusable"), std::string::npos);

  CommandResult held = sendCart();
  EXPECT_NE(held.output.find("DEFER (TEMPLATE_PAUSED)"), std::string::npos) << held.output;
  EXPECT_EQ(meta_.acceptedCount(), 0u);

  // Meta approves it again (message_template_status_update): the next
  // message goes out at once.
  ASSERT_EQ(
      meta_.post(meta_.templateStatusBody("APPROVED", 1002, "abandoned_cart_1h", "tr", "MARKETING"))
          .status,
      200);
  ASSERT_TRUE(inboxSettles(h_));
  CommandResult sent = sendCart();
  EXPECT_NE(sent.output.find("decision: ALLOW"), std::string::npos) << sent.output;
  EXPECT_EQ(meta_.acceptedCount(), 1u);

  // Rejected: dropped, not held.
  ASSERT_EQ(
      meta_.post(meta_.templateStatusBody("REJECTED", 1002, "abandoned_cart_1h", "tr", "MARKETING"))
          .status,
      200);
  ASSERT_TRUE(inboxSettles(h_));
  CommandResult denied = sendCart();
  EXPECT_NE(denied.output.find("DENY (TEMPLATE_NOT_APPROVED)"), std::string::npos) << denied.output;
  EXPECT_EQ(meta_.acceptedCount(), 1u);
}

}  // namespace
}  // namespace cartrelay::testing
