#include "connectors/whatsapp/template_list.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/fake_cloud_api.h"

// listTemplates against the fake Cloud API over loopback HTTP: every page is
// read, the token only goes to the configured host, and each kind of refusal
// comes back as the status the sync acts on.
namespace cartrelay::testing {
namespace {

using Json = nlohmann::json;
using whatsapp::ListedTemplate;

whatsapp::TemplateListConfig configFor(const FakeCloudApi& api) {
  return {api.baseUrl(), api.options().version, api.options().waba_id, api.options().access_token};
}

Json templateJson(int i, const std::string& status) {
  return {{"name", "tmpl_" + std::to_string(i)},
          {"language", i % 2 == 0 ? "tr" : "en_US"},
          {"status", status},
          {"category", "MARKETING"},
          {"id", std::to_string(1000 + i)},
          {"quality_score", {{"score", "GREEN"}}}};
}

TEST(TemplateList, ReadsEveryPageOfTheListing) {
  FakeCloudApi api;
  Json all = Json::array();
  // More than two pages of kTemplatePageSize, the last one partial.
  const int count = 2 * whatsapp::kTemplatePageSize + 7;
  for (int i = 0; i < count; ++i) all.push_back(templateJson(i, i == 5 ? "PAUSED" : "APPROVED"));
  api.setTemplates(all);

  core::net::DefaultHttpClient http;
  auto listed = whatsapp::listTemplates(http, configFor(api));
  ASSERT_TRUE(listed.isOk()) << listed.status().message();
  ASSERT_EQ(listed->size(), static_cast<std::size_t>(count));
  EXPECT_EQ(listed->at(5),
            (ListedTemplate{"tmpl_5", "en_US", "1005", "PAUSED", "MARKETING", "GREEN"}));
  EXPECT_EQ(listed->back().name, "tmpl_" + std::to_string(count - 1));

  const auto requests = api.requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& r : requests) {
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.param("limit").value_or(""), std::to_string(whatsapp::kTemplatePageSize));
    EXPECT_NE(r.param("fields").value_or("").find("status"), std::string::npos);
  }
  EXPECT_FALSE(requests[0].param("after").has_value());
  EXPECT_TRUE(requests[1].param("after").has_value());
}

TEST(TemplateList, AnEmptyAccountIsAnEmptyListing) {
  FakeCloudApi api;
  core::net::DefaultHttpClient http;
  auto listed = whatsapp::listTemplates(http, configFor(api));
  ASSERT_TRUE(listed.isOk()) << listed.status().message();
  EXPECT_TRUE(listed->empty());
}

TEST(TemplateList, SkipsEntriesThatCannotBeAddressed) {
  FakeCloudApi api;
  api.setTemplates(Json::array({templateJson(0, "APPROVED"),
                                {{"name", "no_language"}, {"status", "APPROVED"}},
                                {{"language", "tr"}, {"status", "APPROVED"}}}));
  core::net::DefaultHttpClient http;
  auto listed = whatsapp::listTemplates(http, configFor(api));
  ASSERT_TRUE(listed.isOk()) << listed.status().message();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().name, "tmpl_0");
}

TEST(TemplateList, AnExpiredTokenIsUnauthenticatedAndNeverQuoted) {
  FakeCloudApi api;
  api.setTokenValid(false);
  core::net::DefaultHttpClient http;
  auto listed = whatsapp::listTemplates(http, configFor(api));
  ASSERT_FALSE(listed.isOk());
  EXPECT_EQ(listed.status().code(), core::Status::Code::kUnauthenticated);
  EXPECT_NE(listed.status().message().find("190"), std::string::npos);
  EXPECT_EQ(listed.status().message().find(api.options().access_token), std::string::npos);
}

TEST(TemplateList, AnotherAccountIsAConfigurationError) {
  FakeCloudApi api;
  whatsapp::TemplateListConfig config = configFor(api);
  config.waba_id = "999";
  core::net::DefaultHttpClient http;
  auto listed = whatsapp::listTemplates(http, config);
  ASSERT_FALSE(listed.isOk());
  EXPECT_EQ(listed.status().code(), core::Status::Code::kInvalidArgument);
  EXPECT_NE(listed.status().message().find("waba_id"), std::string::npos);
}

TEST(TemplateList, NoServerIsUnavailable) {
  whatsapp::TemplateListConfig config{"http://127.0.0.1:1", "v23.0", "1", "token"};
  core::net::DefaultHttpClient http;
  auto listed = whatsapp::listTemplates(http, config);
  ASSERT_FALSE(listed.isOk());
  EXPECT_EQ(listed.status().code(), core::Status::Code::kUnavailable);
}

}  // namespace
}  // namespace cartrelay::testing
