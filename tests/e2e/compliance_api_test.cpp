// The admin API twins of the consent, subject and audit commands, against
// the real daemon: same ledger, same refusals, same audit chain.
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/daemon_harness.h"
#include "tests/support/http_client.h"

namespace cartrelay::testing {
namespace {

constexpr const char* kToken = "test-admin-token-0123456789abcdef";

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class ComplianceApi : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.writeConfig(
        "[shop.acme]\nplatform = shopify\nshop_domain = acme.myshopify.com\n"
        "webhook_secret = test_secret\ncountry = TR\n",
        "", std::string("admin_token = ") + kToken);
    std::string why;
    ASSERT_TRUE(h_.start(&why)) << why;
  }

  HttpResult call(const std::string& method, const std::string& path, const nlohmann::json& body,
                  bool authorised = true) {
    std::map<std::string, std::string> headers = {{"Content-Type", "application/json"}};
    if (authorised) headers["Authorization"] = std::string("Bearer ") + kToken;
    return httpRequest(h_.port(), method, path, body.is_null() ? "" : body.dump(), headers);
  }

  DaemonHarness h_;
};

TEST_F(ComplianceApi, ConsentSubjectAndAuditOperations) {
  EXPECT_EQ(call("POST", "/api/v1/consent", {{"phone", "05321234567"}}, false).status, 401);

  HttpResult granted = call("POST", "/api/v1/consent",
                            {{"phone", "0532 123 45 67"},
                             {"status", "ONAY"},
                             {"source", "HS_WEB"},
                             {"verified", true},
                             {"name_on_record", true},
                             {"kvkk_notice_version", "v2"},
                             {"event_at", "2026-01-10T09:00:00Z"}});
  ASSERT_EQ(granted.status, 201) << granted.body;
  EXPECT_GT(nlohmann::json::parse(granted.body)["audit_seq"].get<int>(), 0);
  ASSERT_EQ(
      call("POST", "/api/v1/consent",
           {{"phone", "+905321234567"}, {"status", "RET"}, {"event_at", "2026-02-01T09:00:00Z"}})
          .status,
      201);
  HttpResult stale = call("POST", "/api/v1/consent",
                          {{"phone", "+905321234567"},
                           {"status", "ONAY"},
                           {"source", "HS_WEB"},
                           {"event_at", "2026-01-20T09:00:00Z"}});
  EXPECT_EQ(stale.status, 409) << stale.body;
  EXPECT_TRUE(contains(stale.body, "STALE_CONSENT_IMPORT")) << stale.body;

  HttpResult shown = call("POST", "/api/v1/consent/show", {{"phone", "+905321234567"}});
  ASSERT_EQ(shown.status, 200) << shown.body;
  nlohmann::json state = nlohmann::json::parse(shown.body);
  EXPECT_EQ(state["current"]["status"], "RET");
  EXPECT_EQ(state["events"].size(), 2u);

  HttpResult bad = call("POST", "/api/v1/consent/show", {{"phone", "999-not-a-phone"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_FALSE(contains(bad.body, "999-not-a-phone")) << bad.body;
  EXPECT_EQ(call("POST", "/api/v1/subjects/export", {{"phone", "1"}, {"email", "x@y.z"}}).status,
            400);

  HttpResult exported = call("POST", "/api/v1/subjects/export", {{"phone", "+905321234567"}});
  ASSERT_EQ(exported.status, 200) << exported.body;
  EXPECT_EQ(nlohmann::json::parse(exported.body)["consent_events"].size(), 2u);
  HttpResult erased = call("POST", "/api/v1/subjects/erase", {{"phone", "+905321234567"}});
  ASSERT_EQ(erased.status, 200) << erased.body;
  EXPECT_EQ(nlohmann::json::parse(erased.body)["consent_events"], 2);
  EXPECT_EQ(call("POST", "/api/v1/subjects/export", {{"email", "nobody@example.com"}}).status, 404);

  HttpResult verified = call("GET", "/api/v1/audit/verify", nullptr);
  ASSERT_EQ(verified.status, 200) << verified.body;
  EXPECT_EQ(nlohmann::json::parse(verified.body)["outcome"], "INTACT") << verified.body;
  EXPECT_FALSE(contains(h_.process().output(), "5321234567")) << "no phone in the daemon's log";
}

}  // namespace
}  // namespace cartrelay::testing
