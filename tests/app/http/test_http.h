#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "app/http/router.h"
#include "app/http/server.h"
#include "core/metrics/metrics.h"

// Helpers for tests that talk to a real HttpServer on 127.0.0.1.
namespace cartrelay::app::http::testing {

struct Reply {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // First header of that name (case-insensitive), "" if absent.
  std::string header(std::string_view name) const;
  bool hasHeader(std::string_view name) const;
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

enum class Framing { kContentLength, kChunked };

// One request over a fresh connection with Poco's HTTPClientSession. POST and
// PUT (and any request with a body) carry Content-Length unless kChunked.
// Throws on transport errors (the test then fails with the Poco message).
Reply send(std::uint16_t port, const std::string& method, const std::string& target,
           const std::string& body = "", const HeaderList& headers = {},
           Framing framing = Framing::kContentLength);

// Writes raw bytes, then reads until the server closes the connection or
// `wait` passes. `closed` tells which one happened.
struct RawResult {
  std::string received;
  bool closed = false;
};
RawResult rawExchange(std::uint16_t port, const std::string& bytes,
                      std::chrono::milliseconds wait = std::chrono::seconds(10));

// Captures log lines for the lifetime of the object (thread-safe).
class LogCapture {
 public:
  LogCapture();
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;
  ~LogCapture();

  std::vector<std::string> lines() const;
  // Waits (up to 5 s) for a line containing every needle; returns it or "".
  std::string waitFor(const std::vector<std::string>& needles) const;

 private:
  struct Shared {
    mutable std::mutex mutex;
    std::vector<std::string> lines;
  };
  std::shared_ptr<Shared> shared_;
};

// Polls pred every few ms for up to `limit`; true once it holds.
bool eventually(const std::function<bool()>& pred,
                std::chrono::milliseconds limit = std::chrono::seconds(5));

// A running server; it uses `metrics` when given (which must outlive it),
// else a Metrics of its own.
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
