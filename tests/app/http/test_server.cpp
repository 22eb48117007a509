#include "tests/app/http/test_server.h"

#include <stdexcept>
#include <utility>

#include <gtest/gtest.h>

namespace cartrelay::app::http::testing {

HttpServerOptions TestServer::defaultOptions() {
  HttpServerOptions o;
  o.listen = "127.0.0.1:0";
  o.max_threads = 4;
  o.max_queued = 16;
  o.read_timeout_ms = 5000;
  o.drain_timeout_ms = 5000;
  return o;
}

TestServer::TestServer(Router router, HttpServerOptions options, core::metrics::Metrics* metrics)
    : owned_metrics_(metrics == nullptr ? std::make_unique<core::metrics::Metrics>("test")
                                        : nullptr),
      metrics_(metrics == nullptr ? owned_metrics_.get() : metrics) {
  auto started = HttpServer::start(options, std::move(router), *metrics_);
  if (!started.isOk()) {
    ADD_FAILURE() << "server did not start: " << started.status().toString();
    throw std::runtime_error("server did not start");
  }
  server_ = std::move(started).value();
}

}  // namespace cartrelay::app::http::testing
