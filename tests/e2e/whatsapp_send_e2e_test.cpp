// whatsapp.mode = live against the fake Cloud API, through the real
// binary: a message goes out once, as Meta documents the request; an
// expired token halts the channel without a retry storm and shows on
// /readyz; a daemon killed while a send hangs leaves the message `unknown`
// and never sends it again; Meta's 131050 is recorded as an opt-out that
// stops every later marketing message.
#include <csignal>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/daemon_harness.h"
#include "tests/e2e/webhook_client.h"
#include "tests/support/fake_cloud_api.h"
#include "tests/support/http_client.h"
#include "tests/support/process.h"

namespace cartrelay::testing {
namespace {

constexpr const char* kToken = "adm-0123456789abcdef0123456789abcdef";
constexpr const char* kPhone = "+905321234567";
constexpr const char* kDigits = "905321234567";

class WhatsAppSendE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    // Meta's template list, which the daemon syncs at start (live with a
    // waba_id): both configured templates approved.
    meta_.setTemplates(nlohmann::json::array({{{"name", "order_shipped"},
                                               {"language", "tr"},
                                               {"status", "APPROVED"},
                                               {"category", "UTILITY"},
                                               {"id", "1001"}},
                                              {{"name", "abandoned_cart_1h"},
                                               {"language", "tr"},
                                               {"status", "APPROVED"},
                                               {"category", "MARKETING"},
                                               {"id", "1002"}}}));
    const auto& o = meta_.options();
    h_.writeConfig(
        "mode = live\napi_base = " + meta_.baseUrl() + "\napi_version = " + o.version +
            "\nphone_number_id = " + o.phone_number_id + "\nwaba_id = " + o.waba_id +
            "\naccess_token = " + o.access_token +
            "\napp_secret = app-secret-for-tests\nverify_token = verify-me\n"
            "[shop.acme]\nplatform = shopify\nshop_domain = acme.myshopify.com\n"
            "webhook_secret = test_secret\ncountry = TR\n"
            "[compliance]\ntransfer_basis = explicit_consent\nquiet_hours = 00:00-23:59\n"
            "[template.shipped]\nmeta_name = order_shipped\ncategory = UTILITY\n"
            "purpose = shipping\nbody_params = first_name, total:currency\nbuttons = url:track\n"
            "[template.cart]\nmeta_name = abandoned_cart_1h\npurpose = abandoned_cart\n"
            "sender_id = Acme\nopt_out = Reklam almamak için RET yazın\n"
            "parameter_format = named\nbody_params = first_name\n",
        "", std::string("admin_token = ") + kToken + "\n");
    std::string why;
    ASSERT_TRUE(h_.start(&why)) << why;
  }

  void TearDown() override { EXPECT_TRUE(meta_.invalidRequests().empty()) << "malformed requests"; }

  HttpResult api(const std::string& method, const std::string& path, const std::string& body) {
    return httpRequest(
        h_.port(), method, path, body,
        {{"Authorization", std::string("Bearer ") + kToken}, {"Content-Type", "application/json"}});
  }

  nlohmann::json outbox() { return cliJson(h_, {"outbox", "list"}); }

  // Sends only: the template syncs at each start are GETs.
  std::size_t sendRequests() const {
    std::size_t posts = 0;
    for (const auto& r : meta_.requests()) posts += r.method == "POST" ? 1 : 0;
    return posts;
  }

  FakeCloudApi meta_;
  DaemonHarness h_;
};

TEST_F(WhatsAppSendE2E, AClearedMessageGoesOutOnceAsMetaDocumentsIt) {
  CommandResult sent =
      h_.cli({"send", "--to", "0532 123 45 67", "--template", "shipped", "--param",
              "first_name=Ayşe", "--param", "total=249.90 TRY", "--param", "track=TRK123"});
  ASSERT_EQ(sent.exit_code, 0) << sent.output;
  EXPECT_NE(sent.output.find("decision: ALLOW"), std::string::npos) << sent.output;
  EXPECT_NE(sent.output.find("state: sent (wamid."), std::string::npos) << sent.output;
  EXPECT_EQ(sent.output.find("5321234567"), std::string::npos) << "never echoes the recipient";

  ASSERT_EQ(meta_.acceptedCount(), 1u);
  const auto message = meta_.accepted()[0];
  EXPECT_EQ(message.template_name, "order_shipped");
  EXPECT_EQ(message.language, "tr");
  EXPECT_EQ(message.to, kPhone);
  nlohmann::json rows = outbox();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(message.biz_opaque_callback_data, std::to_string(rows[0]["id"].get<long long>()));
  EXPECT_EQ(rows[0]["state"], "sent");
  EXPECT_EQ(rows[0]["wamid"], message.wamid);
  EXPECT_NE(message.components.dump().find("\"amount_1000\":249900"), std::string::npos)
      << message.components.dump();

  // The daemon's own sender does not send it again.
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  EXPECT_EQ(meta_.acceptedCount(), 1u);
}

TEST_F(WhatsAppSendE2E, AnExpiredTokenHaltsTheChannelWithoutARetryStorm) {
  meta_.setTokenValid(false);
  for (int i = 0; i < 3; ++i) {
    HttpResult queued =
        api("POST", "/api/v1/send",
            nlohmann::json{
                {"to", kPhone},
                {"template", "shipped"},
                {"params",
                 {{"first_name", "Ali"}, {"total", "10 TRY"}, {"track", "T" + std::to_string(i)}}}}
                .dump());
    ASSERT_EQ(queued.status, 202) << queued.body;
  }
  ASSERT_TRUE(eventually([&] { return httpRequest(h_.port(), "GET", "/readyz").status == 503; },
                         std::chrono::seconds(20)));
  HttpResult ready = httpRequest(h_.port(), "GET", "/readyz");
  EXPECT_NE(ready.body.find("halted"), std::string::npos) << ready.body;
  EXPECT_NE(ready.body.find("190"), std::string::npos) << ready.body;
  const std::size_t tried = sendRequests();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(sendRequests(), tried) << "nothing more is tried while halted";
  EXPECT_LE(tried, 1u) << "one refusal is enough to stop";
  for (const auto& row : outbox()) {
    EXPECT_EQ(row["state"], "queued") << "not sent, so not failed: " << row.dump();
  }
  HttpResult metrics = httpRequest(h_.port(), "GET", "/metrics");
  EXPECT_NE(metrics.body.find("cartrelay_channel_halted{channel=\"whatsapp\"} 1"),
            std::string::npos);
  EXPECT_NE(h_.process().output().find("whatsapp.channel_halted"), std::string::npos);
}

TEST_F(WhatsAppSendE2E, ADaemonKilledMidSendLeavesUnknownAndNeverSendsTwice) {
  meta_.failNext(FailureMode::kHang);
  HttpResult queued =
      api("POST", "/api/v1/send",
          nlohmann::json{{"to", kPhone},
                         {"template", "shipped"},
                         {"params", {{"first_name", "Ali"}, {"total", "10 TRY"}, {"track", "X"}}}}
              .dump());
  ASSERT_EQ(queued.status, 202) << queued.body;
  ASSERT_TRUE(eventually([&] { return sendRequests() >= 1; }, std::chrono::seconds(20)));
  h_.process().signal(SIGKILL);
  (void)h_.process().waitExit(std::chrono::seconds(10));
  meta_.releaseHangs();

  std::string why;
  ASSERT_TRUE(h_.start(&why)) << why;
  ASSERT_TRUE(eventually([&] { return outbox().size() == 1 && outbox()[0]["state"] == "unknown"; },
                         std::chrono::seconds(20)))
      << outbox().dump();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_EQ(sendRequests(), 1u) << "the interrupted message is never sent again";
  EXPECT_NE(h_.process().output().find("outbox.interrupted_sends"), std::string::npos);
}

TEST_F(WhatsAppSendE2E, MetasMarketingOptOutStopsEveryLaterMarketingMessage) {
  ASSERT_EQ(h_.cli({"consent", "grant", "--phone", kPhone, "--source", "HS_WEB", "--verified",
                    "--name-on-record", "--kvkk-notice", "v1"})
                .exit_code,
            0);
  meta_.failRecipient(kDigits, 131050);
  CommandResult refused =
      h_.cli({"send", "--to", kPhone, "--template", "cart", "--param", "first_name=Ayşe"});
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("state: failed"), std::string::npos) << refused.output;
  nlohmann::json consent = nlohmann::json::parse(
      h_.cli({"consent", "show", "--phone", kPhone, "--json"}).output, nullptr, false);
  ASSERT_TRUE(consent.is_object());
  EXPECT_EQ(consent["current"]["status"], "RET") << consent.dump();

  meta_.clearRecipientFailure(kDigits);
  CommandResult later =
      h_.cli({"send", "--to", kPhone, "--template", "cart", "--param", "first_name=Ayşe"});
  EXPECT_EQ(later.exit_code, 1);
  EXPECT_NE(later.output.find("DENY (CONSENT_WITHDRAWN)"), std::string::npos) << later.output;
  EXPECT_EQ(meta_.acceptedCount(), 0u);
}

TEST_F(WhatsAppSendE2E, ATemplateMetaRefusesAtSendHoldsItsNextMessages) {
  const std::vector<std::string> shipped = {"send",
                                            "--to",
                                            kPhone,
                                            "--template",
                                            "shipped",
                                            "--param",
                                            "first_name=Ayşe",
                                            "--param",
                                            "total=249.90 TRY",
                                            "--param",
                                            "track=TRK123"};
  // Meta paused the template before its webhook or the next sync told us.
  meta_.failNextWith(132015);
  CommandResult refused = h_.cli(shipped);
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("state: failed"), std::string::npos) << refused.output;
  EXPECT_NE(refused.output.find("whatsapp.template_unusable"), std::string::npos) << refused.output;

  // The registry now holds it: the next message waits instead of failing.
  CommandResult held = h_.cli(shipped);
  EXPECT_NE(held.output.find("DEFER (TEMPLATE_PAUSED)"), std::string::npos) << held.output;
  EXPECT_EQ(sendRequests(), 1u) << "nothing more went to Meta";

  // Approved again (message_template_status_update): it goes.
  meta_.setWebhookTarget(h_.port(), "app-secret-for-tests");
  ASSERT_EQ(meta_.post(meta_.templateStatusBody("APPROVED", 1001, "order_shipped", "tr", "UTILITY"))
                .status,
            200);
  ASSERT_TRUE(inboxSettles(h_));
  CommandResult sent = h_.cli(shipped);
  EXPECT_NE(sent.output.find("decision: ALLOW"), std::string::npos) << sent.output;
  EXPECT_EQ(meta_.acceptedCount(), 1u);
}

}  // namespace
}  // namespace cartrelay::testing
