#include "app/http/http_response.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cartrelay::app::http {
namespace {

using core::Status;

TEST(HttpResponseTest, Helpers) {
  HttpResponse t = HttpResponse::text(200, "ok\n");
  EXPECT_EQ(t.status, 200);
  EXPECT_EQ(t.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(t.body, "ok\n");

  HttpResponse j = HttpResponse::json(201, R"({"a":1})");
  EXPECT_EQ(j.content_type, "application/json");

  HttpResponse e = HttpResponse::empty(204);
  EXPECT_TRUE(e.content_type.empty());
  EXPECT_TRUE(e.body.empty());
}

TEST(HttpResponseTest, ErrorBodyIsEscapedJson) {
  HttpResponse r = HttpResponse::error(400, "INVALID_ARGUMENT", "bad \"field\"\n\xff");
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["error"], "INVALID_ARGUMENT");
  EXPECT_EQ(r.content_type, "application/json");
}

TEST(HttpResponseTest, FromStatusMapsEveryCode) {
  struct Row {
    Status status;
    int http;
    const char* code;
  };
  const Row rows[] = {
      {Status::invalidArgument("missing topic"), 400, "INVALID_ARGUMENT"},
      {Status::unauthenticated("bad signature"), 401, "UNAUTHENTICATED"},
      {Status::notFound("no such shop"), 404, "NOT_FOUND"},
      {Status::tooLarge("body over cap"), 413, "TOO_LARGE"},
      {Status::unavailable("store: down"), 503, "UNAVAILABLE"},
      {Status::internal("null deref"), 500, "INTERNAL"},
      {Status::permanent("mapping failed"), 500, "INTERNAL"},
  };
  for (const Row& row : rows) {
    HttpResponse r = HttpResponse::fromStatus(row.status);
    SCOPED_TRACE(row.status.toString());
    EXPECT_EQ(r.status, row.http);
    auto body = nlohmann::json::parse(r.body);
    EXPECT_EQ(body["error"], row.code);
    EXPECT_EQ(r.log_detail, row.status.toString());
  }
}

TEST(HttpResponseTest, FromStatusHidesInternalMessages) {
  HttpResponse r = HttpResponse::fromStatus(Status::internal("sqlite: table x is locked"));
  EXPECT_EQ(r.body.find("sqlite"), std::string::npos);
  EXPECT_NE(r.log_detail.find("sqlite"), std::string::npos);
}

TEST(HttpResponseTest, FromStatusUnavailableAsksForRetry) {
  HttpResponse r = HttpResponse::fromStatus(Status::unavailable("store: down"));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.headers.get("Retry-After"), std::to_string(kRetryAfterSeconds));
  EXPECT_EQ(nlohmann::json::parse(r.body)["message"], "store: down");
}

TEST(HttpResponseTest, FromStatusSuccess) {
  HttpResponse ok = HttpResponse::fromStatus(Status::ok());
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(nlohmann::json::parse(ok.body)["status"], "OK");
  EXPECT_TRUE(ok.log_detail.empty());
  HttpResponse dup = HttpResponse::fromStatus(Status::duplicate("already in inbox"));
  EXPECT_EQ(dup.status, 200);
  EXPECT_EQ(nlohmann::json::parse(dup.body)["status"], "DUPLICATE");
}

TEST(HttpResponseTest, ReasonPhrases) {
  EXPECT_EQ(reasonPhrase(413), "Payload Too Large");
  EXPECT_EQ(reasonPhrase(405), "Method Not Allowed");
  EXPECT_EQ(reasonPhrase(299), "Unknown");
}

}  // namespace
}  // namespace cartrelay::app::http
