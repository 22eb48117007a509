// Tracked links through the real binary in sandbox mode: `cartrelay send`
// with a tracked_url button and a body link puts tokens, not the cart's
// URL, into the message; GET /r/{token} answers 302 to the target and the
// click shows in `outbox list --json`; made-up, malformed and erased
// links are a plain 404 that echoes nothing.
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/daemon_harness.h"
#include "tests/e2e/webhook_client.h"
#include "tests/support/http_client.h"
#include "tests/support/process.h"

namespace cartrelay::testing {
namespace {

constexpr const char* kPhone = "+905321234567";
constexpr const char* kCart = "https://acme.example/cart/recover?key=s3cret-cart";
constexpr const char* kPage = "https://acme.example/cart/view?key=s3cret-page";
constexpr const char* kLinkBase = "https://relay.example/cr/r/";

class TrackedLinksE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.writeConfig(
        "mode = sandbox\nlink_ttl = 7d\n"
        "[shop.acme]\nplatform = shopify\nshop_domain = acme.myshopify.com\n"
        "webhook_secret = test_secret\ncountry = TR\n"
        "[compliance]\ntransfer_basis = explicit_consent\nquiet_hours = 00:00-23:59\n"
        "[template.cart]\nmeta_name = abandoned_cart_1h\npurpose = abandoned_cart\n"
        "sender_id = Acme\nopt_out = Reklam almamak için RET yazın\n"
        "body_params = first_name, cart_page:link\n"
        "buttons = tracked_url:cart_url, quick_reply:STOP_MARKETING\n",
        "", "public_url = https://relay.example/cr/\n");
    std::string why;
    ASSERT_TRUE(h_.start(&why)) << why;
    ASSERT_EQ(h_.cli({"consent", "grant", "--phone", kPhone, "--source", "HS_WEB", "--verified",
                      "--name-on-record", "--kvkk-notice", "v1"})
                  .exit_code,
              0);
  }

  // The params of the last message in the sandbox log.
  nlohmann::json sandboxParams() {
    std::ifstream in(h_.dir().file("sandbox.jsonl"));
    std::string line, last;
    while (std::getline(in, line)) {
      if (!line.empty()) last = line;
    }
    nlohmann::json message = nlohmann::json::parse(last, nullptr, false);
    return message.is_object() ? message["params"] : nlohmann::json();
  }

  HttpResult follow(const std::string& token) {
    return httpRequest(h_.port(), "GET", "/r/" + token);
  }

  void expectPlain404(const HttpResult& r, const std::string& token) {
    EXPECT_EQ(r.status, 404) << token;
    EXPECT_EQ(r.header("Content-Type"), "text/html; charset=utf-8");
    EXPECT_FALSE(r.hasHeader("Location"));
    EXPECT_NE(r.body.find("Link not found"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find(token), std::string::npos) << "no echo";
  }

  DaemonHarness h_;
};

TEST_F(TrackedLinksE2E, AClickIsCountedAndRedirectedUntilTheSubjectIsErased) {
  CommandResult sent =
      h_.cli({"send", "--to", kPhone, "--template", "cart", "--param", "first_name=Ayşe", "--param",
              std::string("cart_url=") + kCart, "--param", std::string("cart_page=") + kPage});
  ASSERT_EQ(sent.exit_code, 0) << sent.output;
  EXPECT_NE(sent.output.find("decision: ALLOW"), std::string::npos) << sent.output;

  ASSERT_TRUE(eventually([&] { return sandboxParams().is_object(); }, std::chrono::seconds(20)));
  const nlohmann::json params = sandboxParams();
  EXPECT_EQ(params.dump().find("s3cret"), std::string::npos)
      << "the targets never reach the channel: " << params.dump();
  const std::string token = params.value("cart_url", "");
  static const std::regex kToken("[A-Za-z0-9_-]{22}");
  ASSERT_TRUE(std::regex_match(token, kToken)) << params.dump();
  const std::string page = params.value("cart_page", "");
  ASSERT_EQ(page.rfind(kLinkBase, 0), 0u) << page;
  const std::string page_token = page.substr(std::string(kLinkBase).size());
  ASSERT_TRUE(std::regex_match(page_token, kToken)) << page;

  HttpResult hit = follow(token);
  EXPECT_EQ(hit.status, 302) << hit.body;
  EXPECT_EQ(hit.header("Location"), kCart);
  EXPECT_EQ(hit.header("Cache-Control"), "no-store");
  EXPECT_EQ(follow(token).status, 302);
  HttpResult page_hit = follow(page_token);
  EXPECT_EQ(page_hit.status, 302);
  EXPECT_EQ(page_hit.header("Location"), kPage);

  nlohmann::json rows = cliJson(h_, {"outbox", "list"});
  ASSERT_EQ(rows.size(), 1u) << rows.dump();
  EXPECT_EQ(rows[0]["clicks"], 3) << rows.dump();
  HttpResult metrics = httpRequest(h_.port(), "GET", "/metrics");
  EXPECT_NE(metrics.body.find("cartrelay_link_clicks_total{outcome=\"redirected\"} 3"),
            std::string::npos);

  const std::string made_up(22, 'A');
  expectPlain404(follow(made_up), made_up);
  for (const std::string& bad :
       std::vector<std::string>{"short", token + "x", token.substr(0, 21) + "!"}) {
    expectPlain404(follow(bad), bad);
  }

  CommandResult erased = h_.cli({"subject", "erase", "--phone", kPhone});
  ASSERT_EQ(erased.exit_code, 0) << erased.output;
  expectPlain404(follow(token), token);
  expectPlain404(follow(page_token), page_token);

  const std::string log = h_.process().output();
  for (const std::string& secret : std::vector<std::string>{"s3cret", token, page_token}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "the daemon's log holds " << secret;
  }
}

}  // namespace
}  // namespace cartrelay::testing
