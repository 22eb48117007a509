#include "app/http/ops_handlers.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/metrics/metrics.h"
#include "tests/app/http/test_server.h"
#include "tests/support/http_client.h"
#include "tests/support/process.h"

namespace cartrelay::app::http {
namespace {

namespace support = cartrelay::testing;

using support::eventually;
using support::httpRequest;
using support::HttpResult;
using testing::TestServer;

// A readiness probe the test can flip; thread-safe like the real one.
class FakeProbe {
 public:
  void set(core::Status s) {
    std::lock_guard<std::mutex> lock(mutex_);
    status_ = std::move(s);
  }
  void throwNext(bool t) { throw_ = t; }
  core::Status operator()() {
    if (throw_) throw std::runtime_error("probe exploded");
    std::lock_guard<std::mutex> lock(mutex_);
    return status_;
  }

 private:
  std::mutex mutex_;
  core::Status status_;
  std::atomic<bool> throw_{false};
};

class OpsHandlersTest : public ::testing::Test {
 protected:
  // The server records its requests into `metrics`, which /metrics renders
  // (as in the daemon). Null: no /metrics route, the server keeps its own.
  std::unique_ptr<TestServer> startWith(core::metrics::Metrics* metrics) {
    Router router;
    addOpsRoutes(router, OpsDeps{metrics, [this] { return probe_(); }});
    router.add({"POST"}, "/webhooks/shopify/{shop}",
               [](const HttpRequest&) { return HttpResponse::text(200, "ok\n"); });
    return std::make_unique<TestServer>(std::move(router), TestServer::defaultOptions(), metrics);
  }

  FakeProbe probe_;
};

TEST_F(OpsHandlersTest, HealthzIsAlwaysOk) {
  auto server = startWith(nullptr);
  probe_.set(core::Status::unavailable("store: down"));
  HttpResult reply = httpRequest(server->port(), "GET", "/healthz");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "ok\n");
  EXPECT_EQ(httpRequest(server->port(), "HEAD", "/healthz").status, 200);
  EXPECT_EQ(httpRequest(server->port(), "POST", "/healthz").status, 405);
}

TEST_F(OpsHandlersTest, ReadyzFollowsTheProbe) {
  auto server = startWith(nullptr);
  HttpResult reply = httpRequest(server->port(), "GET", "/readyz");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "ok\n");

  probe_.set(core::Status::unavailable("store: connection refused"));
  reply = httpRequest(server->port(), "GET", "/readyz");
  EXPECT_EQ(reply.status, 503);
  EXPECT_EQ(reply.header("Content-Type"), "application/json");
  EXPECT_FALSE(reply.header("Retry-After").empty());
  auto body = nlohmann::json::parse(reply.body);
  EXPECT_EQ(body["status"], "not_ready");
  EXPECT_EQ(body["error"], "UNAVAILABLE");
  EXPECT_EQ(body["message"], "store: connection refused");

  probe_.set(core::Status::ok());
  EXPECT_EQ(httpRequest(server->port(), "GET", "/readyz").status, 200);

  probe_.throwNext(true);
  reply = httpRequest(server->port(), "GET", "/readyz");
  EXPECT_EQ(reply.status, 503);
  EXPECT_EQ(reply.body.find("exploded"), std::string::npos);
}

TEST_F(OpsHandlersTest, EmptyProbeMeansReady) {
  Router router;
  addOpsRoutes(router, OpsDeps{nullptr, {}});
  TestServer server(std::move(router));
  EXPECT_EQ(httpRequest(server.port(), "GET", "/readyz").status, 200);
  EXPECT_EQ(httpRequest(server.port(), "GET", "/metrics").status, 404);
}

TEST_F(OpsHandlersTest, MetricsShowsRequestCountsByRoutePattern) {
  core::metrics::Metrics metrics("9.9.9");
  auto server = startWith(&metrics);
  for (const char* shop : {"acme", "globex", "acme"}) {
    HttpResult r =
        httpRequest(server->port(), "POST", std::string("/webhooks/shopify/") + shop, "{}");
    ASSERT_EQ(r.status, 200);
  }
  httpRequest(server->port(), "GET", "/healthz");
  httpRequest(server->port(), "GET", "/no/such/thing");

  const std::string shop_count =
      R"(cartrelay_http_requests_total{method="POST",route="/webhooks/shopify/{shop}",status="200"} 3)";
  const std::string healthz_count =
      R"(cartrelay_http_requests_total{method="GET",route="/healthz",status="200"} 1)";
  const std::string unmatched_count =
      R"(cartrelay_http_requests_total{method="GET",route="unmatched",status="404"} 1)";
  HttpResult reply;
  EXPECT_TRUE(eventually(
      [&] {
        reply = httpRequest(server->port(), "GET", "/metrics");
        return reply.body.find(shop_count) != std::string::npos &&
               reply.body.find(healthz_count) != std::string::npos &&
               reply.body.find(unmatched_count) != std::string::npos;
      },
      std::chrono::seconds(5)))
      << reply.body;
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("Content-Type"), "text/plain; version=0.0.4");
  EXPECT_NE(reply.body.find(R"(cartrelay_build_info{version="9.9.9"} 1)"), std::string::npos);
  EXPECT_NE(reply.body.find("cartrelay_http_request_duration_seconds_bucket"), std::string::npos);
  EXPECT_EQ(reply.body.find("acme"), std::string::npos);
  EXPECT_EQ(reply.body.find("globex"), std::string::npos);
  EXPECT_EQ(reply.body.find("/no/such/thing"), std::string::npos);
}

}  // namespace
}  // namespace cartrelay::app::http
