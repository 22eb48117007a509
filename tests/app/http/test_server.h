#pragma once

#include <cstdint>
#include <memory>

#include "app/http/router.h"
#include "app/http/server.h"
#include "core/metrics/metrics.h"

// A real HttpServer on 127.0.0.1 for the app/http tests; talk to it with
// tests/support/http_client.h.
namespace cartrelay::app::http::testing {

// A running server on an ephemeral port; it uses `metrics` when given
// (which must outlive it), else a Metrics of its own. Fails the test and
// throws std::runtime_error when the server does not start.
class TestServer {
 public:
  explicit TestServer(Router router, HttpServerOptions options = defaultOptions(),
                      core::metrics::Metrics* metrics = nullptr);
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;
  ~TestServer() = default;

  static HttpServerOptions defaultOptions();

  std::uint16_t port() const { return server_->port(); }
  HttpServer& server() { return *server_; }
  core::metrics::Metrics& metrics() { return *metrics_; }

 private:
  std::unique_ptr<core::metrics::Metrics> owned_metrics_;
  core::metrics::Metrics* metrics_;
  std::unique_ptr<HttpServer> server_;
};

}  // namespace cartrelay::app::http::testing
