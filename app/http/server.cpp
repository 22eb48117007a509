#include "app/http/server.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <thread>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timespan.h>

#include "app/http/detail/request_handler.h"
#include "core/util/log.h"

namespace cartrelay::app::http {
namespace {

constexpr int kListenBacklog = 64;
// Idle keep-alive connections each hold a thread; do not let them linger.
constexpr int kMaxKeepAliveMs = 5000;
constexpr int kMaxKeepAliveRequests = 100;
// After connections are closed, how long stop() waits for their threads.
constexpr std::chrono::milliseconds kThreadExitWait{2000};
// How long an idle dispatcher thread waits before it re-checks for a stop.
constexpr int kThreadIdleMs = 250;

Poco::Timespan millis(int ms) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms) * 1000);
}

core::Status validate(const HttpServerOptions& o) {
  if (o.max_body_bytes == 0)
    return core::Status::invalidArgument("http: max_body_bytes must be > 0");
  if (o.read_timeout_ms <= 0) {
    return core::Status::invalidArgument("http: read_timeout_ms must be > 0");
  }
  if (o.max_threads < 1) return core::Status::invalidArgument("http: max_threads must be >= 1");
  if (o.max_queued < 1) return core::Status::invalidArgument("http: max_queued must be >= 1");
  if (o.drain_timeout_ms < 0) {
    return core::Status::invalidArgument("http: drain_timeout_ms must be >= 0");
  }
  return core::Status::ok();
}

}  // namespace

HttpServer::HttpServer(std::shared_ptr<detail::ServerState> state,
                       std::unique_ptr<Poco::ThreadPool> pool,
                       std::unique_ptr<Poco::Net::HTTPServer> server, std::uint16_t port)
    : state_(std::move(state)), pool_(std::move(pool)), server_(std::move(server)), port_(port) {}

HttpServer::~HttpServer() { stop(); }

core::Result<std::unique_ptr<HttpServer>> HttpServer::start(const HttpServerOptions& options,
                                                            Router router,
                                                            core::metrics::Metrics& metrics) {
  CARTRELAY_RETURN_IF_ERROR(validate(options));
  CARTRELAY_RETURN_IF_ERROR(router.status());

  Poco::Net::SocketAddress address;
  try {
    address = Poco::Net::SocketAddress(options.listen);
  } catch (const Poco::Exception& e) {
    return core::Status::invalidArgument("http: invalid listen address '" + options.listen +
                                         "': " + e.displayText());
  }

  // Not ServerSocket(address): in Poco 1.11 that constructor also sets
  // SO_REUSEPORT, so a second daemon on the same port would bind without
  // error and silently share the traffic.
  Poco::Net::ServerSocket listener;
  try {
    listener.bind(address, /*reuseAddress=*/true, /*reusePort=*/false);
    listener.listen(kListenBacklog);
  } catch (const Poco::Exception& e) {
    return core::Status::unavailable("http: cannot listen on " + options.listen + ": " +
                                     e.displayText());
  }

  try {
    const std::uint16_t port = listener.address().port();
    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
    // The timeout is the socket receive timeout for request line, headers
    // and body, and the wait for a first request on a new connection.
    params->setTimeout(millis(options.read_timeout_ms));
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(millis(std::min(options.read_timeout_ms, kMaxKeepAliveMs)));
    params->setMaxKeepAliveRequests(kMaxKeepAliveRequests);
    params->setMaxThreads(options.max_threads);
    params->setMaxQueued(options.max_queued);
    // Poco's dispatcher wakes only the threads already waiting when it
    // stops; one that starts waiting an instant later sleeps for the whole
    // idle time (10 s by default) before it sees the stop, and stop() then
    // reports it stuck. A short idle time bounds that straggler well inside
    // kThreadExitWait; a thread past the pool's two then exits sooner when
    // idle, which the pool makes cheap to start again.
    params->setThreadIdleTime(millis(kThreadIdleMs));
    params->setSoftwareVersion("");

    auto state = std::make_shared<detail::ServerState>(std::move(router), metrics, options);
    // Our own pool (not Poco's process-wide default pool), created here so
    // that its threads inherit the signal mask the daemon set before start().
    auto pool = std::make_unique<Poco::ThreadPool>("http", std::min(2, options.max_threads),
                                                   options.max_threads);
    auto server = std::make_unique<Poco::Net::HTTPServer>(new detail::RequestHandlerFactory(state),
                                                          *pool, listener, params);
    server->start();
    core::log::info("http.listening")
        .kv("address", listener.address().toString())
        .kv("max_threads", options.max_threads)
        .kv("max_body_bytes", static_cast<std::uint64_t>(options.max_body_bytes));
    return std::unique_ptr<HttpServer>(
        new HttpServer(std::move(state), std::move(pool), std::move(server), port));
  } catch (const Poco::Exception& e) {
    return core::Status::internal("http: cannot start server: " + e.displayText());
  } catch (const std::exception& e) {
    return core::Status::internal(std::string("http: cannot start server: ") + e.what());
  }
}

void HttpServer::stop() {
  std::lock_guard<std::mutex> lock(stop_mutex_);
  if (stopped_) return;
  stopped_ = true;
  const auto started = std::chrono::steady_clock::now();

  state_->draining.store(true);
  try {
    // Joins the acceptor thread and drops connections still queued for a thread.
    server_->stop();
    // Poco 1.11 keeps the listening socket open after stop(): the kernel would
    // go on completing handshakes nobody accepts. Close it so connects are refused.
    Poco::Net::ServerSocket listener = server_->socket();
    listener.close();
  } catch (const Poco::Exception& e) {
    core::log::warn("http.stop_listener_failed").kv("error", e.displayText());
  }

  const bool drained =
      state_->waitIdle(std::chrono::milliseconds(state_->options.drain_timeout_ms));

  // Shuts down every remaining connection: idle keep-alive ones, clients still
  // sending headers, and (only when draining timed out) requests in a handler.
  try {
    server_->stopAll(/*abortCurrent=*/true);
  } catch (const Poco::Exception& e) {
    core::log::warn("http.stop_connections_failed").kv("error", e.displayText());
  }

  const auto deadline = std::chrono::steady_clock::now() + kThreadExitWait;
  while (server_->currentThreads() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const int stuck = server_->currentThreads();
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (stuck > 0) {
    // A handler ignores its deadline. Destroying the pool would block on it
    // (and then free what it still uses), so leave the server and its threads
    // to the process exit; this only happens on the way out.
    core::log::error("http.stop_incomplete").kv("stuck_threads", stuck).kv("ms", ms);
    static_cast<void>(server_.release());
    static_cast<void>(pool_.release());
    return;
  }
  server_.reset();
  pool_->joinAll();
  pool_.reset();
  core::log::info("http.stopped").kv("drained", drained).kv("ms", ms);
}

}  // namespace cartrelay::app::http
