// "Killing the daemon with SIGKILL while webhooks are being posted loses no
// event that got a 200": post from several threads, kill -9 mid-stream,
// restart, and ask the daemon about every acknowledged delivery again — each
// must be recognised as a duplicate (it is in the inbox) and, once processed,
// listed by `inbox list`.
#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <signal.h>

#include "tests/e2e/daemon_harness.h"
#include "tests/e2e/webhook_client.h"
#include "tests/support/fixtures.h"

namespace cartrelay::testing {
namespace {

constexpr const char* kSecret = "shpss_durability_secret";
constexpr int kPosters = 6;
constexpr int kKillAfterAcks = 300;
constexpr int kMaxPerPoster = 2000;  // bound: the loop always ends

TEST(DurabilityTest, SigkillLosesNoAcknowledgedWebhook) {
  DaemonHarness h;
  h.writeConfig(std::string("[shop.acme]\nplatform = shopify\nshop_domain = acme.myshopify.com\n") +
                "webhook_secret = " + kSecret + "\n");
  std::string why;
  ASSERT_TRUE(h.start(&why)) << why;
  const int port = h.port();
  const std::string body = readFixture("shopify/checkouts_update.json");

  std::mutex mu;
  std::set<std::string> acked;
  std::atomic<int> ack_count{0};
  std::atomic<bool> daemon_dead{false};
  std::vector<std::thread> posters;
  for (int t = 0; t < kPosters; ++t) {
    posters.emplace_back([&, t] {
      for (int i = 0; i < kMaxPerPoster && !daemon_dead; ++i) {
        const std::string id = "kill-" + std::to_string(t) + "-" + std::to_string(i);
        HttpResult r = postShopify(port, "acme", "checkouts/update", body, kSecret, id);
        if (r.status == 0) return;  // the daemon is gone
        if (r.status == 200) {
          std::lock_guard lock(mu);
          acked.insert(id);
          ++ack_count;
        }
      }
    });
  }
  ASSERT_TRUE(eventually([&] { return ack_count >= kKillAfterAcks; }, std::chrono::seconds(60)));
  h.process().signal(SIGKILL);
  ASSERT_TRUE(h.process().waitExit(std::chrono::seconds(10)).has_value());
  daemon_dead = true;
  for (auto& p : posters) p.join();
  ASSERT_GE(acked.size(), static_cast<std::size_t>(kKillAfterAcks));

  ASSERT_TRUE(h.start(&why)) << why;
  for (const std::string& id : acked) {
    HttpResult again = postShopify(h.port(), "acme", "checkouts/update", body, kSecret, id);
    ASSERT_EQ(again.status, 200) << id;
    EXPECT_NE(again.body.find("duplicate"), std::string::npos)
        << "acknowledged delivery " << id << " was lost: " << again.body;
  }
  ASSERT_TRUE(inboxSettles(h));
  nlohmann::json events = cliJson(h, {"inbox", "list", "--limit", "10000"});
  std::set<std::string> stored;
  for (const auto& e : events) stored.insert(e["delivery_id"].get<std::string>());
  for (const std::string& id : acked) {
    EXPECT_TRUE(stored.count("checkouts/update:" + id)) << id;
  }
}

}  // namespace
}  // namespace cartrelay::testing
