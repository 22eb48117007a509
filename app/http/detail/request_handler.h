#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include "app/http/router.h"
#include "app/http/server.h"

namespace cartrelay::core::metrics {
class Metrics;
}  // namespace cartrelay::core::metrics

// The adapter between Poco's per-request handler objects and cartrelay's
// Router. Private to app/http: only server.cpp and tests of app/http use it.
namespace cartrelay::app::http::detail {

// Everything the request handlers share. Owned jointly by HttpServer and the
// handler factory (which Poco's connection objects keep alive), so a late
// connection thread never sees it destroyed.
struct ServerState {
  ServerState(Router r, core::metrics::Metrics& m, const HttpServerOptions& o)
      : router(std::move(r)), metrics(m), options(o) {}
  ServerState(const ServerState&) = delete;
  ServerState& operator=(const ServerState&) = delete;

  const Router router;
  core::metrics::Metrics& metrics;
  const HttpServerOptions options;

  // Set by HttpServer::stop(): answers carry Connection: close from then on.
  std::atomic<bool> draining{false};

  // Requests currently inside handleRequest.
  void beginRequest();
  void endRequest();
  // Waits until no request is in flight or the timeout passes; true if idle.
  bool waitIdle(std::chrono::milliseconds timeout);

 private:
  std::mutex mutex_;
  std::condition_variable idle_;
  int in_flight_ = 0;
};

// Always returns a handler (Poco answers 501 to a nullptr). Thread-safe.
class RequestHandlerFactory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit RequestHandlerFactory(std::shared_ptr<ServerState> state) : state_(std::move(state)) {}
  RequestHandlerFactory(const RequestHandlerFactory&) = delete;
  RequestHandlerFactory& operator=(const RequestHandlerFactory&) = delete;

  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest& request) override;

 private:
  std::shared_ptr<ServerState> state_;
};

}  // namespace cartrelay::app::http::detail
