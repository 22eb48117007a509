#include "app/http/router.h"

#include <gtest/gtest.h>

namespace cartrelay::app::http {
namespace {

using Outcome = Router::Match::Outcome;

Handler answer(std::string body) {
  return [body](const HttpRequest&) { return HttpResponse::text(200, body); };
}

std::string call(const Router::Match& m) {
  if (m.handler == nullptr) return "<none>";
  return (*m.handler)(HttpRequest{}).body;
}

TEST(RouterTest, MatchesLiteralAndParamSegments) {
  Router r;
  r.add({"POST"}, "/webhooks/shopify/{shop}", answer("shopify"));
  r.add({"POST"}, "/webhooks/cart/{shop}/{token}", answer("cart"));
  r.add({"GET"}, "/healthz", answer("health"));
  r.add({"GET"}, "/", answer("root"));
  ASSERT_TRUE(r.status().isOk()) << r.status().toString();

  auto m = r.match("POST", "/webhooks/shopify/acme%20store");
  ASSERT_EQ(m.outcome, Outcome::kMatched);
  EXPECT_EQ(call(m), "shopify");
  EXPECT_EQ(m.label, "/webhooks/shopify/{shop}");
  EXPECT_EQ(m.params.at("shop"), "acme store");

  m = r.match("POST", "/webhooks/cart/acme/t0k3n");
  ASSERT_EQ(m.outcome, Outcome::kMatched);
  EXPECT_EQ(m.params.at("shop"), "acme");
  EXPECT_EQ(m.params.at("token"), "t0k3n");

  EXPECT_EQ(call(r.match("GET", "/healthz")), "health");
  EXPECT_EQ(call(r.match("GET", "/")), "root");
}

TEST(RouterTest, UnknownPathsAreNotFound) {
  Router r;
  r.add({"GET"}, "/healthz", answer("health"));
  r.add({"POST"}, "/webhooks/shopify/{shop}", answer("shopify"));
  for (const char* path :
       {"/nope", "/healthz/", "//healthz", "/webhooks/shopify", "/webhooks/shopify/",
        "/webhooks/shopify/a/b", "", "healthz", "/webhooks/shopify/%zz"}) {
    auto m = r.match("GET", path);
    EXPECT_EQ(m.outcome, Outcome::kNotFound) << path;
    EXPECT_TRUE(m.label.empty()) << path;
  }
}

TEST(RouterTest, WrongMethodGivesAllow) {
  Router r;
  r.add({"GET"}, "/webhooks/whatsapp", answer("verify"));
  r.add({"POST"}, "/webhooks/whatsapp", answer("events"));
  r.add({"PUT", "DELETE"}, "/api/v1/things/{id}", answer("things"));
  auto m = r.match("PATCH", "/webhooks/whatsapp");
  EXPECT_EQ(m.outcome, Outcome::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "GET, HEAD, POST");
  EXPECT_EQ(m.label, "/webhooks/whatsapp");
  m = r.match("GET", "/api/v1/things/7");
  EXPECT_EQ(m.outcome, Outcome::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "DELETE, PUT");
  EXPECT_EQ(call(r.match("POST", "/webhooks/whatsapp")), "events");
}

TEST(RouterTest, HeadUsesGetUnlessRegistered) {
  Router r;
  r.add({"GET"}, "/a", answer("get-a"));
  r.add({"GET"}, "/b", answer("get-b"));
  r.add({"HEAD"}, "/b", answer("head-b"));
  EXPECT_EQ(call(r.match("HEAD", "/a")), "get-a");
  EXPECT_EQ(call(r.match("HEAD", "/b")), "head-b");
}

TEST(RouterTest, LiteralBeatsParameter) {
  Router r;
  r.add({"GET"}, "/api/v1/customers/{id}", answer("one"));
  r.add({"GET"}, "/api/v1/customers/export", answer("export"));
  r.add({"GET"}, "/x/{a}/y", answer("param-first"));
  r.add({"GET"}, "/x/b/{c}", answer("literal-first"));
  EXPECT_EQ(call(r.match("GET", "/api/v1/customers/export")), "export");
  EXPECT_EQ(call(r.match("GET", "/api/v1/customers/42")), "one");
  EXPECT_EQ(call(r.match("GET", "/x/b/y")), "literal-first");
  EXPECT_EQ(call(r.match("GET", "/x/q/y")), "param-first");
}

TEST(RouterTest, MethodMatchBeatsSpecificity) {
  Router r;
  r.add({"GET"}, "/items/{id}", answer("get-item"));
  r.add({"POST"}, "/items/new", answer("post-new"));
  EXPECT_EQ(call(r.match("GET", "/items/new")), "get-item");
  EXPECT_EQ(call(r.match("POST", "/items/new")), "post-new");
}

TEST(RouterTest, ExplicitLabel) {
  Router r;
  r.add({"GET"}, "/r/{token}", "tracked_link", answer("link"));
  EXPECT_EQ(r.match("GET", "/r/abc").label, "tracked_link");
}

TEST(RouterTest, RegistrationErrorsAreCollected) {
  struct Case {
    std::vector<std::string> methods;
    const char* pattern;
  };
  const Case bad[] = {
      {{"GET"}, "no-slash"},   {{"GET"}, "/a//b"},   {{"GET"}, "/a/{}"}, {{"GET"}, "/a/{1x}"},
      {{"GET"}, "/a/{x}/{x}"}, {{"GET"}, "/a/b{x}"}, {{"get"}, "/a"},    {{}, "/a"},
      {{"GET"}, "/a%20b"},
  };
  for (const Case& c : bad) {
    Router r;
    r.add(c.methods, c.pattern, answer("x"));
    EXPECT_EQ(r.status().code(), core::Status::Code::kInvalidArgument) << c.pattern;
    EXPECT_EQ(r.size(), 0u) << c.pattern;
  }

  Router empty_handler;
  empty_handler.add({"GET"}, "/a", Handler());
  EXPECT_FALSE(empty_handler.status().isOk());
}

TEST(RouterTest, DuplicateRouteIsAnError) {
  Router r;
  r.add({"POST"}, "/webhooks/shopify/{shop}", answer("1"));
  r.add({"GET"}, "/webhooks/shopify/{name}", answer("2"));  // other method: fine
  EXPECT_TRUE(r.status().isOk());
  r.add({"POST", "PUT"}, "/webhooks/shopify/{other}", answer("3"));
  EXPECT_FALSE(r.status().isOk());
  EXPECT_NE(r.status().message().find("/webhooks/shopify/{other}"), std::string::npos);
  // The first error sticks.
  r.add({"GET"}, "bad", answer("4"));
  EXPECT_NE(r.status().message().find("/webhooks/shopify/{other}"), std::string::npos);
}

}  // namespace
}  // namespace cartrelay::app::http
