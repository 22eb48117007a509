// GET /r/{token} over the real router, gate and store (SQLite and
// MariaDB): a minted link redirects with the stored target, a token of the
// wrong shape is a 404 without the store being asked, and a failing store
// is a 503 that names neither the token nor the target.
#include "app/http/link_handlers.h"

#include <gtest/gtest.h>

#include "app/version.h"
#include "compliance/tracked_links.h"
#include "core/metrics/metrics.h"
#include "tests/compliance/gate_store_fixture.h"

namespace cartrelay::app::http {
namespace {

constexpr const char* kTarget = "https://acme.example/cart/recover?key=s3cret-cart";

class LinkHandlersTest : public compliance::GateStoreTest {
 protected:
  void SetUp() override {
    GateStoreTest::SetUp();
    if (HasFatalFailure()) return;
    tracked_ = std::make_unique<compliance::TrackedLinks>(db(), *keys_, clock_, links_);
    addLinkRoutes(router_, LinkDeps{tracked_.get(), &metrics_});
    record(grant());
  }

  // The token of a `linked` message's button, after claim.
  std::string mintedToken() {
    compliance::SendRequest r;
    r.shop_id = shop_;
    r.phone = compliance::kPhone;
    r.template_name = "linked";
    r.params = {{"cart_url", kTarget}, {"cart_page", kTarget}};
    auto out = gate_->submit(r);
    EXPECT_TRUE(out.isOk()) << out.status().toString();
    if (!out.isOk()) return "";
    auto claimed = gate_->claim({out->outbox_id});
    EXPECT_TRUE(claimed.isOk() && claimed->messages.size() == 1);
    if (!claimed.isOk() || claimed->messages.empty()) return "";
    return claimed->messages[0].content().params.value("cart_url", "");
  }

  HttpResponse get(const std::string& path) {
    Router::Match m = router_.match("GET", path);
    EXPECT_EQ(m.outcome, Router::Match::Outcome::kMatched) << path;
    if (m.outcome != Router::Match::Outcome::kMatched) return {};
    HttpRequest request;
    request.method = "GET";
    request.path = path;
    request.path_params = m.params;
    request.route = m.label;
    return (*m.handler)(request);
  }

  bool counted(const std::string& outcome, int times) {
    return metrics_.render().find("cartrelay_link_clicks_total{outcome=\"" + outcome + "\"} " +
                                  std::to_string(times)) != std::string::npos;
  }

  core::metrics::Metrics metrics_{version()};
  Router router_;
  std::unique_ptr<compliance::TrackedLinks> tracked_;
};

TEST_P(LinkHandlersTest, AMintedLinkRedirectsToItsStoredTarget) {
  const std::string token = mintedToken();
  ASSERT_EQ(token.size(), compliance::kLinkTokenChars);
  HttpResponse r = get("/r/" + token);
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(r.headers.get("Location"), kTarget);
  EXPECT_EQ(r.headers.get("Cache-Control"), "no-store");
  EXPECT_EQ(r.headers.get("Referrer-Policy"), "no-referrer");
  EXPECT_TRUE(r.body.empty());
  EXPECT_TRUE(counted("redirected", 1)) << metrics_.render();
  EXPECT_EQ(rawRows("SELECT clicks FROM tracked_links WHERE clicks > 0"),
            (std::vector<std::vector<std::string>>{{"1"}}));
}

TEST_P(LinkHandlersTest, AWrongShapeIsANotFoundWithoutAskingTheStore) {
  const std::string token = mintedToken();
  // With the table gone every lookup fails, so only a check that comes
  // before the store can answer 404.
  exec("DROP TABLE tracked_links");
  for (const std::string& bad : {std::string("short"), token + "A", token.substr(1) + "."}) {
    HttpResponse r = get("/r/" + bad);
    EXPECT_EQ(r.status, 404) << bad;
    EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
    EXPECT_EQ(r.body.find(bad), std::string::npos) << "no echo";
    EXPECT_FALSE(r.headers.contains("Location"));
  }
  EXPECT_TRUE(counted("not_found", 3)) << metrics_.render();

  HttpResponse failed = get("/r/" + token);
  EXPECT_EQ(failed.status, 503);
  EXPECT_EQ(failed.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(failed.body.find(token), std::string::npos);
  EXPECT_EQ(failed.log_detail.find(token), std::string::npos);
  EXPECT_EQ(failed.log_detail.find("s3cret"), std::string::npos);
  EXPECT_FALSE(failed.headers.contains("Location"));
  EXPECT_TRUE(counted("unavailable", 1)) << metrics_.render();
}

CARTRELAY_STORE_SUITE(LinkHandlersTest);

}  // namespace
}  // namespace cartrelay::app::http
