#include "core/net/http_fetch.h"

#include <atomic>
#include <chrono>
#include <thread>

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <gtest/gtest.h>

#include "tests/support/fake_http_server.h"

namespace cartrelay::core::net {
namespace {

using testing::FailureMode;
using testing::FakeHttpServer;
using testing::FakeResponse;
using testing::RecordedRequest;

HttpRequest get(const std::string& url) {
  HttpRequest request;
  request.url = url;
  return request;
}

FetchLimits limits(std::int64_t connect_ms, std::int64_t total_ms, std::size_t max_body) {
  FetchLimits l;
  l.connect_timeout_ms = connect_ms;
  l.total_timeout_ms = total_ms;
  l.max_body_bytes = max_body;
  return l;
}

// A loopback port nobody listens on: bound, then closed again.
int closedPort() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  const int port = socket.address().port();
  socket.close();
  return port;
}

// Waits (bounded) until the server saw `n` requests.
void awaitRequests(const FakeHttpServer& server, std::size_t n) {
  for (int i = 0; i < 1000 && server.requestCount() < n; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

TEST(HttpFetch, GetReturnsStatusHeadersAndBody) {
  FakeHttpServer server([](const RecordedRequest&) {
    return FakeResponse{201, {{"X-Answer", "42"}}, R"({"ok":true})"};
  });
  HttpRequest request;
  request.url = server.baseUrl() + "/path/to?x=1&y=a%20b";
  request.headers = {{"X-Custom", "value"}, {"Accept", "application/json"}};
  auto response = fetch(request, {});
  ASSERT_TRUE(response.isOk()) << response.status().toString();
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, R"({"ok":true})");
  EXPECT_EQ(response->header("x-answer"), "42");
  EXPECT_EQ(response->header("X-ANSWER"), "42");
  EXPECT_FALSE(response->header("missing"));

  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].path, "/path/to");
  EXPECT_EQ(seen[0].param("y"), "a b");
  EXPECT_EQ(seen[0].header("x-custom"), "value");
}

TEST(HttpFetch, PostAndPutSendTheBody) {
  FakeHttpServer server([](const RecordedRequest& r) { return FakeResponse{200, {}, r.body}; });
  for (const char* method : {"POST", "PUT"}) {
    HttpRequest request;
    request.method = method;
    request.url = server.baseUrl() + "/echo";
    request.body = R"({"k":"v"})";
    auto response = fetch(request, {});
    ASSERT_TRUE(response.isOk()) << response.status().toString();
    EXPECT_EQ(response->body, request.body);
  }
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].method, "PUT");
  EXPECT_EQ(seen[1].header("content-length"), "9");
}

TEST(HttpFetch, ErrorStatusesAreAnswersNotErrors) {
  FakeHttpServer server([](const RecordedRequest&) { return FakeResponse{503, {}, "busy"}; });
  auto response = fetch(get(server.baseUrl() + "/"), {});
  ASSERT_TRUE(response.isOk());
  EXPECT_EQ(response->status, 503);
}

TEST(HttpFetch, PlainHttpToARemoteHostIsRefused) {
  auto response = fetch(get("http://shop.example.com/wp-json/wc/v3/orders"), {});
  ASSERT_FALSE(response.isOk());
  EXPECT_EQ(response.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(response.status().message().find("loopback"), std::string::npos);
  EXPECT_EQ(response.status().message().find("wc/v3"), std::string::npos) << "no path in errors";

  auto ftp = fetch(get("ftp://127.0.0.1/file"), {});
  EXPECT_EQ(ftp.status().code(), Status::Code::kInvalidArgument);
  auto garbage = fetch(get("not a url"), {});
  EXPECT_EQ(garbage.status().code(), Status::Code::kInvalidArgument);
}

TEST(HttpFetch, LoopbackHosts) {
  EXPECT_TRUE(isLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(isLoopbackHost("127.10.0.3"));
  EXPECT_TRUE(isLoopbackHost("localhost"));
  EXPECT_TRUE(isLoopbackHost("LocalHost"));
  EXPECT_TRUE(isLoopbackHost("::1"));
  EXPECT_TRUE(isLoopbackHost("[::1]"));
  EXPECT_FALSE(isLoopbackHost("10.0.0.1"));
  EXPECT_FALSE(isLoopbackHost("localhost.example.com"));
  EXPECT_FALSE(isLoopbackHost("shop.example.com"));
  EXPECT_FALSE(isLoopbackHost(""));
}

TEST(HttpFetch, RefusedConnectionIsUnavailable) {
  auto response = fetch(get("http://127.0.0.1:" + std::to_string(closedPort()) + "/"), {});
  ASSERT_FALSE(response.isOk());
  EXPECT_EQ(response.status().code(), Status::Code::kUnavailable);
  EXPECT_TRUE(requestNeverSent(response.status())) << "safe to send again";
}

TEST(HttpFetch, HttpsToAPlainServerFailsTheHandshake) {
  // Exercises the TLS client context (system CA store) without the network:
  // a plain-HTTP peer can never complete a handshake, and nothing is
  // downgraded to clear text.
  FakeHttpServer server([](const RecordedRequest&) { return FakeResponse{}; });
  auto response = fetch(get("https://127.0.0.1:" + std::to_string(server.port()) + "/"),
                        limits(2000, 5000, 1 << 20));
  ASSERT_FALSE(response.isOk());
  EXPECT_EQ(response.status().code(), Status::Code::kUnavailable);
  EXPECT_TRUE(requestNeverSent(response.status())) << response.status().message();
}

TEST(HttpFetch, ATlsHandshakeThatNeverCompletesWasNeverSent) {
  // A peer that accepts the connection but never answers the ClientHello
  // (the kernel completes the TCP handshake from the listen backlog). The
  // request cannot have reached it, whichever timeout ends the attempt.
  Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0));
  const int port = silent.address().port();
  for (const auto& [connect_ms, total_ms] : {std::pair{100, 300}, std::pair{2000, 300}}) {
    auto response = fetch(get("https://127.0.0.1:" + std::to_string(port) + "/"),
                          limits(connect_ms, total_ms, 1 << 20));
    ASSERT_FALSE(response.isOk());
    EXPECT_EQ(response.status().code(), Status::Code::kUnavailable);
    EXPECT_TRUE(requestNeverSent(response.status()))
        << connect_ms << "/" << total_ms << ": " << response.status().message();
  }
}

TEST(HttpFetch, AServerThatNeverAnswersTimesOut) {
  FakeHttpServer server([](const RecordedRequest&) { return FakeResponse{}; });
  server.failNext(FailureMode::kHang);
  auto response = fetch(get(server.baseUrl() + "/slow"), limits(1000, 200, 1 << 20));
  ASSERT_FALSE(response.isOk());
  EXPECT_EQ(response.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(response.status().message().find("timed out"), std::string::npos)
      << response.status().message();
  EXPECT_FALSE(requestNeverSent(response.status()))
      << "the server got the request; its answer is what was lost";
  server.releaseHangs();
}

TEST(HttpFetch, AClosedConnectionIsUnavailable) {
  FakeHttpServer server([](const RecordedRequest&) { return FakeResponse{}; });
  server.failNext(FailureMode::kCloseConnection);
  auto response = fetch(get(server.baseUrl() + "/"), {});
  ASSERT_FALSE(response.isOk());
  EXPECT_EQ(response.status().code(), Status::Code::kUnavailable);
  EXPECT_FALSE(requestNeverSent(response.status()));
}

TEST(HttpFetch, BodyOverTheCapIsTooLarge) {
  FakeHttpServer server([](const RecordedRequest&) {
    return FakeResponse{200, {}, std::string(5000, 'x')};
  });
  auto response = fetch(get(server.baseUrl() + "/"), limits(10000, 30000, 100));
  ASSERT_FALSE(response.isOk());
  EXPECT_EQ(response.status().code(), Status::Code::kTooLarge);
  auto fits = fetch(get(server.baseUrl() + "/"), limits(10000, 30000, 5000));
  ASSERT_TRUE(fits.isOk());
  EXPECT_EQ(fits->body.size(), 5000u);
}

TEST(HttpFetch, CancelWakesABlockedFetch) {
  FakeHttpServer server([](const RecordedRequest&) { return FakeResponse{}; });
  server.failNext(FailureMode::kHang);
  CancelToken token;
  Status outcome;
  std::thread worker([&] {
    auto response = fetch(get(server.baseUrl() + "/hang"), limits(5000, 60'000, 1 << 20), &token);
    outcome = response.status();
  });
  awaitRequests(server, 1);
  token.cancel();
  worker.join();
  EXPECT_EQ(outcome.code(), Status::Code::kUnavailable);
  EXPECT_NE(outcome.message().find("cancelled"), std::string::npos) << outcome.message();

  // A cancelled token fails at once until reset.
  auto again = fetch(get(server.baseUrl() + "/"), {}, &token);
  EXPECT_EQ(again.status().code(), Status::Code::kUnavailable);
  token.reset();
  auto after_reset = fetch(get(server.baseUrl() + "/"), {}, &token);
  EXPECT_TRUE(after_reset.isOk()) << after_reset.status().toString();
  server.releaseHangs();
}

TEST(HttpFetch, DefaultHttpClientUsesItsLimits) {
  FakeHttpServer server([](const RecordedRequest&) {
    return FakeResponse{200, {}, std::string(300, 'x')};
  });
  DefaultHttpClient small(limits(10000, 30000, 10));
  EXPECT_EQ(small.send(get(server.baseUrl() + "/")).status().code(), Status::Code::kTooLarge);
  DefaultHttpClient large;
  EXPECT_TRUE(large.send(get(server.baseUrl() + "/")).isOk());
}

}  // namespace
}  // namespace cartrelay::core::net
