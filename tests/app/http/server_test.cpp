#include "app/http/server.h"

#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>

#include "core/metrics/metrics.h"
#include "tests/app/http/test_server.h"
#include "tests/support/http_client.h"
#include "tests/support/log_capture.h"
#include "tests/support/process.h"

namespace cartrelay::app::http {
namespace {

namespace support = cartrelay::testing;

using support::eventually;
using support::Framing;
using support::httpRequest;
using support::HttpResult;
using support::LogCapture;
using support::rawExchange;
using testing::TestServer;

// How long eventually() waits for what a test expects to happen.
constexpr std::chrono::seconds kWait(5);

// Echoes what the handler saw, so tests can check the request conversion.
HttpResponse echo(const HttpRequest& r) {
  std::string out = "method=" + r.method + "\npath=" + r.path + "\nquery=" + r.query +
                    "\nroute=" + r.route + "\nbody_size=" + std::to_string(r.body.size()) + "\n";
  for (const auto& [k, v] : r.path_params) out += "param." + k + "=" + v + "\n";
  for (const auto& [k, v] : r.query_params) out += "q." + k + "=" + v + "\n";
  if (auto h = r.header("x-test")) out += "header=" + std::string(*h) + "\n";
  out += "request_id=" + r.request_id + "\n";
  out += "remote_has_port=" + std::to_string(r.remote_address.rfind(':') != std::string::npos);
  return HttpResponse::text(200, out);
}

class ServerTest : public ::testing::Test {
 protected:
  Router baseRouter() {
    Router r;
    r.add({"GET", "POST"}, "/echo", echo);
    r.add({"POST"}, "/webhooks/shopify/{shop}", [this](const HttpRequest& req) {
      handled_.fetch_add(1);
      return HttpResponse::text(200, "got " + std::to_string(req.body.size()) + " for " +
                                         std::string(req.pathParam("shop")));
    });
    r.add({"GET"}, "/throw", [](const HttpRequest&) -> HttpResponse {
      throw std::runtime_error("customer +905551112233 broke it");
    });
    r.add({"GET"}, "/throw-int", [](const HttpRequest&) -> HttpResponse { throw 42; });
    r.add({"POST"}, "/unavailable", [](const HttpRequest&) {
      return HttpResponse::fromStatus(core::Status::unavailable("store: connection refused"));
    });
    return r;
  }

  std::atomic<int> handled_{0};
};

TEST_F(ServerTest, RoutesAndPassesRequestParts) {
  TestServer server(baseRouter());
  HttpResult reply =
      httpRequest(server.port(), "GET", "/echo?a=1&b=two+words&a=3", "", {{"X-Test", "hello"}});
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_NE(reply.body.find("method=GET\n"), std::string::npos) << reply.body;
  EXPECT_NE(reply.body.find("path=/echo\n"), std::string::npos);
  EXPECT_NE(reply.body.find("query=a=1&b=two+words&a=3\n"), std::string::npos);
  EXPECT_NE(reply.body.find("q.b=two words\n"), std::string::npos);
  EXPECT_NE(reply.body.find("route=/echo\n"), std::string::npos);
  EXPECT_NE(reply.body.find("header=hello\n"), std::string::npos);
  EXPECT_NE(reply.body.find("request_id=" + reply.header("X-Request-Id") + "\n"),
            std::string::npos);
  EXPECT_NE(reply.body.find("remote_has_port=1"), std::string::npos);

  reply = httpRequest(server.port(), "POST", "/webhooks/shopify/acme%2Dshop", "{}");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "got 2 for acme-shop");
}

TEST_F(ServerTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  TestServer server(baseRouter());
  HttpResult reply = httpRequest(server.port(), "GET", "/nope");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.header("Content-Type"), "application/json");
  EXPECT_NE(reply.body.find("\"NOT_FOUND\""), std::string::npos);

  reply = httpRequest(server.port(), "DELETE", "/webhooks/shopify/acme");
  EXPECT_EQ(reply.status, 405);
  EXPECT_EQ(reply.header("Allow"), "POST");

  reply = httpRequest(server.port(), "PUT", "/echo", "x");
  EXPECT_EQ(reply.status, 405);
  EXPECT_EQ(reply.header("Allow"), "GET, HEAD, POST");
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(ServerTest, UnknownMethodIsNever501) {
  TestServer server(baseRouter());
  auto result =
      rawExchange(server.port(), "BREW /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(result.received.rfind("HTTP/1.1 405", 0), 0u) << result.received;
  result =
      rawExchange(server.port(), "BREW /coffee HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(result.received.rfind("HTTP/1.1 404", 0), 0u) << result.received;
}

TEST_F(ServerTest, HeadIsServedByGetWithoutBody) {
  TestServer server(baseRouter());
  auto result =
      rawExchange(server.port(), "HEAD /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(result.received.rfind("HTTP/1.1 200", 0), 0u) << result.received;
  std::size_t end = result.received.find("\r\n\r\n");
  ASSERT_NE(end, std::string::npos);
  EXPECT_EQ(result.received.size(), end + 4) << "HEAD answer carried a body";
  EXPECT_NE(result.received.find("Content-Length: "), std::string::npos);
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  TestServer server(baseRouter());
  Poco::Net::HTTPClientSession session("127.0.0.1", server.port());
  session.setKeepAlive(true);
  for (int i = 0; i < 3; ++i) {
    Poco::Net::HTTPRequest request("POST", "/webhooks/shopify/acme",
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setKeepAlive(true);
    request.setContentLength(3);
    session.sendRequest(request) << "abc";
    Poco::Net::HTTPResponse response;
    std::string body;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
    EXPECT_EQ(response.getStatus(), 200);
    EXPECT_EQ(body, "got 3 for acme");
    EXPECT_TRUE(response.getKeepAlive());
  }
}

class BodyCapTest : public ServerTest {
 protected:
  static constexpr std::size_t kCap = 1024;
  HttpServerOptions options() {
    HttpServerOptions o = TestServer::defaultOptions();
    o.max_body_bytes = kCap;
    return o;
  }
};

TEST_F(BodyCapTest, BodyExactlyAtCapIsAccepted) {
  TestServer server(baseRouter(), options());
  HttpResult reply =
      httpRequest(server.port(), "POST", "/webhooks/shopify/acme", std::string(kCap, 'a'));
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "got 1024 for acme");
  reply = httpRequest(server.port(), "POST", "/webhooks/shopify/acme", std::string(kCap, 'b'), {},
                      Framing::kChunked);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "got 1024 for acme");
  EXPECT_EQ(handled_.load(), 2);
}

TEST_F(BodyCapTest, ContentLengthOverCapIs413AndHandlerNeverRuns) {
  LogCapture logs;
  TestServer server(baseRouter(), options());
  HttpResult reply =
      httpRequest(server.port(), "POST", "/webhooks/shopify/acme", std::string(kCap + 1, 'a'));
  EXPECT_EQ(reply.status, 413);
  EXPECT_NE(reply.body.find("\"TOO_LARGE\""), std::string::npos);
  EXPECT_EQ(reply.header("Connection"), "Close");
  EXPECT_EQ(handled_.load(), 0);
  EXPECT_FALSE(logs.waitFor({"status=413", "content_length_over_cap"}).empty());

  // A large upload too: the answer arrives, the connection is closed.
  reply = httpRequest(server.port(), "POST", "/webhooks/shopify/acme",
                      std::string(2 * 1024 * 1024, 'z'));
  EXPECT_EQ(reply.status, 413);
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(BodyCapTest, ChunkedOverCapIs413AndHandlerNeverRuns) {
  LogCapture logs;
  TestServer server(baseRouter(), options());
  HttpResult reply = httpRequest(server.port(), "POST", "/webhooks/shopify/acme",
                                 std::string(kCap + 1, 'a'), {}, Framing::kChunked);
  EXPECT_EQ(reply.status, 413);
  EXPECT_EQ(handled_.load(), 0);
  EXPECT_FALSE(logs.waitFor({"status=413", "chunked_body_over_cap"}).empty());

  reply = httpRequest(server.port(), "POST", "/webhooks/shopify/acme", std::string(512 * 1024, 'z'),
                      {}, Framing::kChunked);
  EXPECT_EQ(reply.status, 413);
  EXPECT_EQ(handled_.load(), 0);
  // The server keeps serving.
  EXPECT_EQ(httpRequest(server.port(), "GET", "/echo").status, 200);
}

TEST_F(BodyCapTest, ExpectContinueOverCapGets413Instead) {
  TestServer server(baseRouter(), options());
  auto result = rawExchange(server.port(),
                            "POST /webhooks/shopify/acme HTTP/1.1\r\nHost: x\r\n"
                            "Content-Length: 5000\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(result.received.rfind("HTTP/1.1 413", 0), 0u) << result.received;
  EXPECT_TRUE(result.closed);
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(BodyCapTest, MalformedFramingIs400) {
  TestServer server(baseRouter(), options());
  auto result = rawExchange(server.port(),
                            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                            "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
  EXPECT_EQ(result.received.rfind("HTTP/1.1 400", 0), 0u) << result.received;
  result =
      rawExchange(server.port(), "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: -3\r\n\r\nabc");
  EXPECT_EQ(result.received.rfind("HTTP/1.1 400", 0), 0u) << result.received;
  result = rawExchange(server.port(),
                       "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nabc");
  EXPECT_EQ(result.received.rfind("HTTP/1.1 400", 0), 0u) << result.received;
}

TEST_F(BodyCapTest, PostWithoutLengthHasEmptyBody) {
  TestServer server(baseRouter(), options());
  auto result =
      rawExchange(server.port(), "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(result.received.rfind("HTTP/1.1 200", 0), 0u) << result.received;
  EXPECT_NE(result.received.find("body_size=0\n"), std::string::npos);
}

TEST_F(ServerTest, HandlerExceptionIs500AndServerKeepsServing) {
  LogCapture logs;
  TestServer server(baseRouter());
  HttpResult reply = httpRequest(server.port(), "GET", "/throw");
  EXPECT_EQ(reply.status, 500);
  EXPECT_EQ(reply.body, R"({"error":"INTERNAL","message":"internal error"})");
  const std::string id = reply.header("X-Request-Id");
  std::string line = logs.waitFor({"request_id=" + id, "status=500"});
  ASSERT_FALSE(line.empty());
  EXPECT_NE(line.find("std::runtime_error"), std::string::npos) << line;
  EXPECT_EQ(line.find("905551112233"), std::string::npos) << "exception text leaked: " << line;

  EXPECT_EQ(httpRequest(server.port(), "GET", "/throw-int").status, 500);
  EXPECT_EQ(httpRequest(server.port(), "GET", "/echo").status, 200);
}

TEST_F(ServerTest, UnavailableIs503WithRetryAfter) {
  TestServer server(baseRouter());
  HttpResult reply = httpRequest(server.port(), "POST", "/unavailable");
  EXPECT_EQ(reply.status, 503);
  EXPECT_EQ(reply.header("Retry-After"), std::to_string(kRetryAfterSeconds));
  EXPECT_NE(reply.body.find("\"UNAVAILABLE\""), std::string::npos);
}

TEST_F(ServerTest, HandlerHeadersAreSanitised) {
  Router r;
  r.add({"GET"}, "/h", [](const HttpRequest&) {
    HttpResponse resp = HttpResponse::empty(503);
    resp.headers.add("X-Good", "yes");
    resp.headers.add("X-Evil", "a\r\nSet-Cookie: pwned=1");
    resp.headers.add("Content-Length", "999");
    resp.headers.add("X-Request-Id", "forged");
    return resp;
  });
  TestServer server(std::move(r));
  HttpResult reply = httpRequest(server.port(), "GET", "/h");
  EXPECT_EQ(reply.status, 503);
  EXPECT_EQ(reply.header("X-Good"), "yes");
  EXPECT_FALSE(reply.hasHeader("X-Evil"));
  EXPECT_FALSE(reply.hasHeader("Set-Cookie"));
  EXPECT_EQ(reply.header("Content-Length"), "0");
  EXPECT_NE(reply.header("X-Request-Id"), "forged");
  EXPECT_EQ(reply.header("Retry-After"), std::to_string(kRetryAfterSeconds));
}

TEST_F(ServerTest, RequestIdsArePresentAndUnique) {
  TestServer server(baseRouter());
  std::set<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    HttpResult reply = httpRequest(server.port(), "GET", i % 2 ? "/echo" : "/missing");
    std::string id = reply.header("X-Request-Id");
    EXPECT_EQ(id.size(), 16u) << id;
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 20u);
}

TEST_F(ServerTest, LogLineCarriesRequestIdButNoQueryBodyOrHeaderValues) {
  LogCapture logs;
  TestServer server(baseRouter());
  HttpResult reply =
      httpRequest(server.port(), "POST", "/webhooks/shopify/acme?email=jane%40example.com",
                  R"({"phone":"+905551112233"})", {{"Authorization", "Bearer s3cr3t-token"}});
  ASSERT_EQ(reply.status, 200);
  const std::string id = reply.header("X-Request-Id");
  std::string line = logs.waitFor({"http.request", "request_id=" + id});
  ASSERT_FALSE(line.empty());
  EXPECT_NE(line.find(" method=POST "), std::string::npos) << line;
  EXPECT_NE(line.find(" route=/webhooks/shopify/{shop} "), std::string::npos) << line;
  EXPECT_NE(line.find(" status=200 "), std::string::npos) << line;
  EXPECT_NE(line.find(" ms="), std::string::npos) << line;
  EXPECT_NE(line.find(" bytes=" + std::to_string(reply.body.size())), std::string::npos) << line;
  for (const char* secret :
       {"email", "jane", "example.com", "905551112233", "phone", "s3cr3t", "acme"}) {
    EXPECT_EQ(line.find(secret), std::string::npos) << secret << " leaked: " << line;
  }
  int request_lines = 0;
  for (const std::string& l : logs.lines()) {
    if (l.find("request_id=" + id) != std::string::npos) ++request_lines;
  }
  EXPECT_EQ(request_lines, 1);
}

TEST_F(ServerTest, MetricsUseRoutePatternAndUnmatched) {
  TestServer server(baseRouter());
  httpRequest(server.port(), "POST", "/webhooks/shopify/one", "x");
  httpRequest(server.port(), "POST", "/webhooks/shopify/two", "x");
  httpRequest(server.port(), "GET", "/does/not/exist");
  httpRequest(server.port(), "BREW", "/echo");
  const std::string shop_line =
      R"(cartrelay_http_requests_total{method="POST",route="/webhooks/shopify/{shop}",status="200"} 2)";
  const std::string unmatched_line =
      R"(cartrelay_http_requests_total{method="GET",route="unmatched",status="404"} 1)";
  const std::string other_line =
      R"(cartrelay_http_requests_total{method="OTHER",route="/echo",status="405"} 1)";
  std::string text;
  EXPECT_TRUE(eventually(
      [&] {
        text = server.metrics().render();
        return text.find(shop_line) != std::string::npos &&
               text.find(unmatched_line) != std::string::npos &&
               text.find(other_line) != std::string::npos;
      },
      kWait))
      << text;
  EXPECT_EQ(text.find("/webhooks/shopify/one"), std::string::npos);
  EXPECT_EQ(text.find("/does/not/exist"), std::string::npos);
}

class SlowClientTest : public ServerTest {
 protected:
  HttpServerOptions options() {
    HttpServerOptions o = TestServer::defaultOptions();
    o.read_timeout_ms = 300;
    return o;
  }
};

TEST_F(SlowClientTest, StalledBodyIsDroppedAndOthersAreServed) {
  LogCapture logs;
  TestServer server(baseRouter(), options());
  Poco::Net::StreamSocket stalled(Poco::Net::SocketAddress("127.0.0.1", server.port()));
  const std::string head =
      "POST /webhooks/shopify/acme HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc";
  stalled.sendBytes(head.data(), static_cast<int>(head.size()));

  EXPECT_EQ(httpRequest(server.port(), "GET", "/echo").status, 200);

  // The server gives up on the stalled client and closes the connection.
  stalled.setReceiveTimeout(Poco::Timespan(20, 0));
  std::string received;
  char buf[1024];
  for (;;) {
    int n = stalled.receiveBytes(buf, sizeof buf);
    if (n <= 0) break;
    received.append(buf, static_cast<std::size_t>(n));
  }
  EXPECT_EQ(received.rfind("HTTP/1.1 408", 0), 0u) << received;
  EXPECT_EQ(handled_.load(), 0);
  EXPECT_FALSE(logs.waitFor({"status=408", "body_read_timeout"}).empty());
  EXPECT_EQ(httpRequest(server.port(), "GET", "/echo").status, 200);
}

TEST_F(SlowClientTest, StalledHeadersAndSilentConnectionsAreDropped) {
  TestServer server(baseRouter(), options());
  auto partial =
      rawExchange(server.port(), "GET /echo HTTP/1.1\r\nHost: x\r\nX-Te", std::chrono::seconds(20));
  EXPECT_TRUE(partial.closed);
  auto silent = rawExchange(server.port(), "", std::chrono::seconds(20));
  EXPECT_TRUE(silent.closed);
  EXPECT_TRUE(silent.received.empty());
  EXPECT_EQ(httpRequest(server.port(), "GET", "/echo").status, 200);
}

TEST(HttpServerStartTest, BindErrorsAreReported) {
  core::metrics::Metrics metrics("test");
  TestServer first{Router()};
  HttpServerOptions o = TestServer::defaultOptions();
  o.listen = "127.0.0.1:" + std::to_string(first.port());
  auto second = HttpServer::start(o, Router(), metrics);
  ASSERT_FALSE(second.isOk());
  EXPECT_EQ(second.status().code(), core::Status::Code::kUnavailable);
  EXPECT_NE(second.status().message().find("in use"), std::string::npos)
      << second.status().toString();

  o.listen = "not an address";
  auto bad = HttpServer::start(o, Router(), metrics);
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().code(), core::Status::Code::kInvalidArgument);
}

TEST(HttpServerStartTest, BadOptionsAndRoutersAreRefused) {
  core::metrics::Metrics metrics("test");
  HttpServerOptions o = TestServer::defaultOptions();
  o.max_body_bytes = 0;
  EXPECT_EQ(HttpServer::start(o, Router(), metrics).status().code(),
            core::Status::Code::kInvalidArgument);
  o = TestServer::defaultOptions();
  o.max_threads = 0;
  EXPECT_FALSE(HttpServer::start(o, Router(), metrics).isOk());

  Router broken;
  broken.add({"GET"}, "no-slash", echo);
  auto started = HttpServer::start(TestServer::defaultOptions(), std::move(broken), metrics);
  ASSERT_FALSE(started.isOk());
  EXPECT_NE(started.status().message().find("no-slash"), std::string::npos);
}

TEST(HttpServerStopTest, InFlightRequestFinishes) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  Router r;
  r.add({"GET"}, "/slow", [&entered, released](const HttpRequest&) {
    entered.set_value();
    released.wait();
    return HttpResponse::text(200, "finished");
  });
  HttpServerOptions o = TestServer::defaultOptions();
  o.drain_timeout_ms = 30000;
  TestServer server(std::move(r), o);
  const std::uint16_t port = server.port();

  auto in_flight =
      std::async(std::launch::async, [port] { return httpRequest(port, "GET", "/slow"); });
  entered.get_future().wait();

  std::atomic<bool> stop_returned{false};
  std::thread stopper([&] {
    server.server().stop();
    stop_returned = true;
  });

  // stop() has closed the listener: new connections are refused...
  EXPECT_TRUE(eventually(
      [port] {
        try {
          Poco::Net::StreamSocket probe(Poco::Net::SocketAddress("127.0.0.1", port));
          return false;
        } catch (const Poco::Net::ConnectionRefusedException&) {
          return true;
        } catch (const Poco::Exception&) {
          return false;
        }
      },
      kWait));
  // ...but it is still waiting for the request in the handler.
  EXPECT_FALSE(stop_returned.load());

  release.set_value();
  HttpResult reply = in_flight.get();
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "finished");
  EXPECT_EQ(reply.header("Connection"), "Close");
  stopper.join();
  EXPECT_TRUE(stop_returned.load());

  server.server().stop();  // a second stop is harmless
}

TEST(HttpServerStopTest, DrainTimeoutClosesStuckRequests) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  Router r;
  r.add({"GET"}, "/stuck", [&entered, released](const HttpRequest&) {
    entered.set_value();
    released.wait();
    return HttpResponse::text(200, "too late");
  });
  HttpServerOptions o = TestServer::defaultOptions();
  o.drain_timeout_ms = 50;
  LogCapture logs;
  TestServer server(std::move(r), o);
  const std::uint16_t port = server.port();
  auto in_flight =
      std::async(std::launch::async, [port] { return httpRequest(port, "GET", "/stuck"); });
  entered.get_future().wait();

  std::thread stopper([&] { server.server().stop(); });
  // After the drain timeout the connection is shut down under the handler:
  // the client sees the connection end without an answer.
  EXPECT_EQ(in_flight.get().status, 0);
  release.set_value();
  stopper.join();
  EXPECT_FALSE(logs.waitFor({"http.stopped", "drained=false"}).empty());
}

TEST(HttpServerStartTest, ServerThreadsInheritTheCallersSignalMask) {
  std::atomic<int> seen{0};
  std::atomic<int> unblocked{0};
  Router r;
  r.add({"GET"}, "/mask", [&seen, &unblocked](const HttpRequest&) {
    sigset_t current;
    pthread_sigmask(SIG_SETMASK, nullptr, &current);
    seen.fetch_add(1);
    if (sigismember(&current, SIGUSR2) != 1) unblocked.fetch_add(1);
    return HttpResponse::text(200, "ok");
  });
  sigset_t block;
  sigset_t previous;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR2);
  ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &block, &previous), 0);
  {
    TestServer server(std::move(r));
    ASSERT_EQ(pthread_sigmask(SIG_SETMASK, &previous, nullptr), 0);
    // Several requests at once so that lazily created pool threads are used too.
    std::vector<std::future<HttpResult>> replies;
    for (int i = 0; i < 4; ++i) {
      replies.push_back(std::async(std::launch::async, [port = server.port()] {
        return httpRequest(port, "GET", "/mask");
      }));
    }
    for (auto& f : replies) EXPECT_EQ(f.get().status, 200);
  }
  EXPECT_EQ(seen.load(), 4);
  EXPECT_EQ(unblocked.load(), 0);
}

TEST(HttpServerStopTest, StopClosesIdleKeepAliveConnections) {
  Router r;
  r.add({"GET"}, "/x", [](const HttpRequest&) { return HttpResponse::text(200, "x"); });
  TestServer server(std::move(r));
  Poco::Net::HTTPClientSession session("127.0.0.1", server.port());
  session.setKeepAlive(true);
  Poco::Net::HTTPRequest request("GET", "/x", Poco::Net::HTTPMessage::HTTP_1_1);
  request.setKeepAlive(true);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::string body;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
  ASSERT_EQ(response.getStatus(), 200);

  // The idle keep-alive connection must not hold stop() for the keep-alive timeout.
  server.server().stop();
  char c = 0;
  session.socket().setReceiveTimeout(Poco::Timespan(5, 0));
  EXPECT_EQ(session.socket().receiveBytes(&c, 1), 0);
}

}  // namespace
}  // namespace cartrelay::app::http
