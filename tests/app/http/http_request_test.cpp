#include "app/http/http_request.h"

#include <gtest/gtest.h>

namespace cartrelay::app::http {
namespace {

TEST(HeadersTest, LookupIgnoresCase) {
  Headers h;
  h.add("X-Shopify-Hmac-Sha256", "abc");
  h.add("x-shopify-hmac-sha256", "second");
  EXPECT_EQ(h.get("x-SHOPIFY-hmac-sha256"), "abc");
  EXPECT_TRUE(h.contains("X-SHOPIFY-HMAC-SHA256"));
  EXPECT_FALSE(h.get("X-Other").has_value());
  h.set("X-SHOPIFY-HMAC-SHA256", "only");
  EXPECT_EQ(h.size(), 1u);
  EXPECT_EQ(h.get("x-shopify-hmac-sha256"), "only");
  h.remove("x-shopify-HMAC-sha256");
  EXPECT_TRUE(h.empty());
}

TEST(ParseQueryTest, SplitsAndDecodes) {
  QueryParams p = parseQuery("a=1&b=two+words&c&&d=%41%42&a=2&bad=%zz");
  ASSERT_EQ(p.size(), 6u);
  EXPECT_EQ(p[0], (std::pair<std::string, std::string>{"a", "1"}));
  EXPECT_EQ(p[1], (std::pair<std::string, std::string>{"b", "two words"}));
  EXPECT_EQ(p[2], (std::pair<std::string, std::string>{"c", ""}));
  EXPECT_EQ(p[3], (std::pair<std::string, std::string>{"d", "AB"}));
  EXPECT_EQ(p[4], (std::pair<std::string, std::string>{"a", "2"}));
  EXPECT_EQ(p[5], (std::pair<std::string, std::string>{"bad", "%zz"}));
  EXPECT_TRUE(parseQuery("").empty());
}

TEST(HttpRequestTest, Accessors) {
  HttpRequest r;
  r.query_params = parseQuery("hub.mode=subscribe&hub.mode=other");
  r.path_params["shop"] = "acme";
  r.headers.add("Content-Type", "application/json");
  EXPECT_EQ(r.queryParam("hub.mode"), "subscribe");
  EXPECT_FALSE(r.queryParam("HUB.MODE").has_value());
  EXPECT_EQ(r.pathParam("shop"), "acme");
  EXPECT_EQ(r.pathParam("token"), "");
  EXPECT_EQ(r.header("content-type"), "application/json");
}

}  // namespace
}  // namespace cartrelay::app::http
