#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "app/http/router.h"
#include "core/util/result.h"

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
}  // namespace Net
}  // namespace Poco

namespace cartrelay::core::metrics {
class Metrics;
}  // namespace cartrelay::core::metrics

namespace cartrelay::app::http {

namespace detail {
struct ServerState;
}  // namespace detail

struct HttpServerOptions {
  // "host:port" or "[v6addr]:port"; port 0 picks an ephemeral port (see port()).
  std::string listen = "127.0.0.1:8080";
  // Largest request body accepted; larger ones get 413 (> 0).
  std::size_t max_body_bytes = 1024 * 1024;
  // Longest wait for the next bytes from a client while reading a request
  // (headers or body) and for a keep-alive connection's next request (> 0).
  int read_timeout_ms = 10000;
  // Connections served at once; each one holds a thread (>= 1).
  int max_threads = 16;
  // Accepted connections waiting for a thread; more are closed at once (>= 1).
  int max_queued = 64;
  // How long stop() lets in-flight requests finish before closing their
  // connections (>= 0).
  int drain_timeout_ms = 5000;
};

// The daemon's HTTP front door: Poco's HTTPServer with cartrelay's router,
// limits, request ids, logging and metrics around every request.
//
// Per request, in this order:
//   1. a request id (16 hex chars) is made and sent back as X-Request-Id;
//   2. the route is matched: 404 / 405 (with Allow) without reading the body;
//   3. the body is read: Content-Length over max_body_bytes is answered 413
//      without reading it; a chunked body is read through a bounded reader
//      and answered 413 as soon as it passes the cap; a client that stalls
//      longer than read_timeout_ms gets 408 and the connection is closed;
//   4. the handler runs inside a catch-all: anything thrown becomes a generic
//      500; a 503 always carries Retry-After;
//   5. one log line `http.request request_id= method= route= status= ms=
//      bytes= [req_bytes=] [error=]` (never the query, headers or body;
//      route is the pattern, "unmatched" when none) and
//      Metrics::observeHttpRequest(route, method, status, seconds).
// Connections whose request body was not fully read are closed after the
// answer (after briefly discarding what the client still sends, so it can
// read the answer instead of seeing a reset).
//
// Threads: Poco's acceptor thread plus a pool of max_threads, all created by
// start(); they inherit the caller's signal mask (the daemon blocks signals
// first). No signal handler is installed.
//
// Thread-safety: port() may be called from any thread; stop() may be called
// from any thread except a handler, any number of times.
class HttpServer {
 public:
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  HttpServer(HttpServer&&) = delete;
  HttpServer& operator=(HttpServer&&) = delete;
  // Calls stop().
  ~HttpServer();

  // Binds options.listen and starts serving router. Errors:
  //   kInvalidArgument  unusable options, unparsable listen address, or a
  //                     router with a registration error;
  //   kUnavailable      the address cannot be bound (in use, not local,
  //                     permission denied), with the reason in the message.
  // metrics must outlive the returned server.
  static core::Result<std::unique_ptr<HttpServer>> start(const HttpServerOptions& options,
                                                         Router router,
                                                         core::metrics::Metrics& metrics);

  // The bound port (useful with port 0).
  std::uint16_t port() const { return port_; }

  // Stops accepting connections (new connects are refused), lets requests
  // already in a handler finish for up to drain_timeout_ms (their answers
  // carry Connection: close), then closes every connection and waits briefly
  // for the threads. A handler still running after that is abandoned and
  // logged (http.stop_incomplete), never waited for forever. Idempotent.
  void stop();

 private:
  HttpServer(std::shared_ptr<detail::ServerState> state, std::unique_ptr<Poco::ThreadPool> pool,
             std::unique_ptr<Poco::Net::HTTPServer> server, std::uint16_t port);

  std::shared_ptr<detail::ServerState> state_;
  std::unique_ptr<Poco::ThreadPool> pool_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::uint16_t port_;
  std::mutex stop_mutex_;
  bool stopped_ = false;
};

}  // namespace cartrelay::app::http
