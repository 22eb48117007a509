// The real daemon on SQLite, over HTTP and signals.
#include <filesystem>

#include <gtest/gtest.h>
#include <signal.h>

#include "tests/e2e/daemon_harness.h"
#include "tests/support/http_client.h"

namespace cartrelay::testing {
namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.writeConfig("", "", "max_body_bytes = 1KiB\n");
    std::string why;
    ASSERT_TRUE(h_.start(&why)) << why;
  }
  DaemonHarness h_;
};

TEST_F(DaemonTest, ServesHealthReadinessAndMetrics) {
  HttpResult health = httpRequest(h_.port(), "GET", "/healthz");
  EXPECT_EQ(health.status, 200);
  HttpResult ready = httpRequest(h_.port(), "GET", "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  HttpResult metrics = httpRequest(h_.port(), "GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_TRUE(contains(metrics.body, "cartrelay_build_info{")) << metrics.body;
  EXPECT_TRUE(contains(metrics.body, "cartrelay_http_requests_total{")) << metrics.body;
  EXPECT_TRUE(contains(metrics.body, "route=\"/healthz\"")) << metrics.body;
  EXPECT_TRUE(contains(metrics.body, "cartrelay_store_operation_duration_seconds")) << metrics.body;
  EXPECT_TRUE(std::filesystem::exists(h_.dir().file("cartrelay.db")));
}

TEST_F(DaemonTest, UnknownPathsWrongMethodsAndOversizedBodies) {
  EXPECT_EQ(httpRequest(h_.port(), "GET", "/no/such/thing").status, 404);
  EXPECT_EQ(httpRequest(h_.port(), "DELETE", "/healthz").status, 405);
  HttpResult big = httpRequest(h_.port(), "POST", "/healthz", std::string(4096, 'x'));
  EXPECT_EQ(big.status, 413);
  // The daemon is unharmed.
  EXPECT_EQ(httpRequest(h_.port(), "GET", "/healthz").status, 200);
}

TEST_F(DaemonTest, HupIsIgnoredAndTermStopsWithExitZero) {
  h_.process().signal(SIGHUP);
  EXPECT_TRUE(eventually([&] { return contains(h_.process().output(), "daemon.sighup"); },
                         std::chrono::seconds(10)));
  EXPECT_TRUE(h_.process().running());
  EXPECT_EQ(httpRequest(h_.port(), "GET", "/healthz").status, 200);

  h_.process().signal(SIGTERM);
  auto code = h_.process().waitExit(std::chrono::seconds(20));
  ASSERT_TRUE(code.has_value()) << "daemon did not stop after SIGTERM";
  EXPECT_EQ(*code, 0) << h_.process().output();
  EXPECT_TRUE(contains(h_.process().output(), "daemon.stopped")) << h_.process().output();
}

TEST_F(DaemonTest, IntStopsWithExitZero) {
  h_.process().signal(SIGINT);
  auto code = h_.process().waitExit(std::chrono::seconds(20));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << h_.process().output();
}

}  // namespace
}  // namespace cartrelay::testing
