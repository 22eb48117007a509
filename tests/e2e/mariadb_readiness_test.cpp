// /readyz and webhook intake follow a MariaDB server that goes away and comes
// back, without a daemon restart: while it is down a webhook gets 503 with
// Retry-After (the platform retries) and nothing is lost once it is back. Uses its own private
// MariaDB instance (not the shared test server), because it stops it.
#include <gtest/gtest.h>
#include <signal.h>

#include "tests/e2e/daemon_harness.h"
#include "tests/e2e/webhook_client.h"
#include "tests/support/fixtures.h"
#include "tests/support/http_client.h"

namespace cartrelay::testing {
namespace {

const char kPort[] = "33317";
const char kSecret[] = "shpss_mariadb_e2e_secret";

CommandResult mariadb(const std::string& action, const std::string& dir) {
  return runCommand(
      {std::string(CARTRELAY_SOURCE_DIR) + "/scripts/test-mariadb.sh", action, dir, kPort},
      std::chrono::seconds(120));
}

class MariaDbReadiness : public ::testing::Test {
 protected:
  void TearDown() override { mariadb("stop", server_dir_.path()); }
  TempDir server_dir_;
};

TEST_F(MariaDbReadiness, ReadyzAndWebhooksFollowTheServer) {
  CommandResult started = mariadb("start", server_dir_.path());
  ASSERT_EQ(started.exit_code, 0) << started.output;
  CommandResult url = mariadb("url", server_dir_.path());
  ASSERT_EQ(url.exit_code, 0) << url.output;
  std::string database_url = url.output.substr(0, url.output.find('\n'));

  DaemonHarness h;
  h.writeConfig(std::string("[shop.acme]\nplatform = shopify\nshop_domain = a.myshopify.com\n") +
                    "webhook_secret = " + kSecret + "\n",
                database_url);
  std::string why;
  ASSERT_TRUE(h.start(&why)) << why;
  EXPECT_EQ(httpRequest(h.port(), "GET", "/readyz").status, 200);

  ASSERT_EQ(mariadb("stop", server_dir_.path()).exit_code, 0);
  EXPECT_TRUE(eventually([&] { return httpRequest(h.port(), "GET", "/readyz").status == 503; },
                         std::chrono::seconds(60)))
      << h.process().output();
  EXPECT_EQ(httpRequest(h.port(), "GET", "/healthz").status, 200);
  const std::string body = readFixture("shopify/orders_create.json");
  HttpResult refused = postShopify(h.port(), "acme", "orders/create", body, kSecret, "while-down");
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(refused.headers["retry-after"], "30");

  CommandResult restarted = mariadb("start", server_dir_.path());
  ASSERT_EQ(restarted.exit_code, 0) << restarted.output;
  EXPECT_TRUE(eventually([&] { return httpRequest(h.port(), "GET", "/readyz").status == 200; },
                         std::chrono::seconds(60)))
      << h.process().output();
  EXPECT_TRUE(h.process().running());
  // The platform's retry now lands, once, and is processed.
  HttpResult retried = postShopify(h.port(), "acme", "orders/create", body, kSecret, "while-down");
  EXPECT_EQ(retried.status, 200) << retried.body;
  EXPECT_NE(retried.body.find("accepted"), std::string::npos) << retried.body;
  ASSERT_TRUE(inboxSettles(h));
  nlohmann::json orders = cliJson(h, {"orders", "list"});
  ASSERT_EQ(orders.size(), 1u) << orders.dump(2);
  EXPECT_EQ(orders[0]["platform_order_id"], "820982911946154508");

  h.process().signal(SIGTERM);
  auto code = h.process().waitExit(std::chrono::seconds(20));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << h.process().output();
}

}  // namespace
}  // namespace cartrelay::testing
