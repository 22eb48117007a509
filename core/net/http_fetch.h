#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/util/result.h"

namespace cartrelay::core::net {

// One header line; names compare case-insensitively (HttpResponse::header).
using HttpHeader = std::pair<std::string, std::string>;

// Limits of one exchange. Milliseconds and bytes.
struct FetchLimits {
  // Establishing the TCP connection (and, for https, nothing else).
  std::int64_t connect_timeout_ms = 10'000;
  // Everything from the start of the call to the last body byte: connect,
  // TLS handshake, sending, waiting for and reading the answer. Enforced as
  // the socket timeout of each step, set to what is left of this budget.
  std::int64_t total_timeout_ms = 30'000;
  // A response body larger than this is refused with kTooLarge.
  std::size_t max_body_bytes = 16u * 1024u * 1024u;
};

struct HttpRequest {
  std::string method = "GET";  // GET, POST, PUT, DELETE, ...
  // Absolute URL: https://host[:port]/path?query. http:// only for loopback
  // hosts (127.0.0.0/8, ::1, "localhost"), which tests and local proxies use.
  std::string url;
  std::vector<HttpHeader> headers;  // sent as given; Content-Length is set by the client
  std::string body;                 // sent when non-empty or for POST/PUT
};

struct HttpResponse {
  int status = 0;  // the HTTP status code
  std::vector<HttpHeader> headers;
  std::string body;

  // The first header called `name` (ASCII case-insensitive), or std::nullopt.
  std::optional<std::string> header(std::string_view name) const;
};

// Lets another thread abort a fetch that is waiting on the network (daemon
// shutdown). cancel() shuts the active connection's socket down, which wakes
// a blocked read at once; every later fetch with this token fails at once
// until reset(). Thread-safe.
class CancelToken {
 public:
  CancelToken() = default;
  CancelToken(const CancelToken&) = delete;
  CancelToken& operator=(const CancelToken&) = delete;

  void cancel();
  bool cancelled() const;
  // Makes the token usable again (a poller that was stopped and restarted).
  void reset();

  // Used by fetch(): registers the socket descriptor of the connection in
  // flight (-1 to clear). Returns false if the token is already cancelled.
  bool attach(int fd);

 private:
  mutable std::mutex mu_;
  bool cancelled_ = false;
  int fd_ = -1;
};

// Sends one request over a fresh connection and reads the whole answer
// (HTTP/1.1, no redirects followed, no retries). HTTPS certificates are
// verified against the system CA store (OpenSSL's default paths, filled by
// Debian's ca-certificates) including the host name; TLS 1.2 or newer.
//
// Any HTTP status is a successful Result: the caller decides what 4xx/5xx
// mean. Errors (never thrown):
//   kInvalidArgument  malformed URL, unsupported scheme, or plain http:// to a
//                     host that is not loopback
//   kUnavailable      DNS failure, refused or reset connection, TLS failure
//                     (including an untrusted certificate), a timeout, a
//                     cancelled token
//   kTooLarge         the body exceeds limits.max_body_bytes
// Messages name the host but never the query string, headers or body, so
// they are safe to log even when a URL or header carries a credential.
//
// `cancel` may be null. Thread-safe: concurrent calls share nothing.
Result<HttpResponse> fetch(const HttpRequest& request, const FetchLimits& limits,
                           CancelToken* cancel = nullptr);

// True when `status` is a fetch() failure that happened before any byte of
// the request left (DNS, refused connection, connect timeout, TLS
// handshake): the server cannot have acted on it, so it is safe to send
// again. False for every other failure, including timeouts after sending,
// where the server may have acted on a request whose answer was lost.
bool requestNeverSent(const Status& status);

// True for "localhost", 127.0.0.0/8 and ::1 (with or without brackets).
bool isLoopbackHost(std::string_view host);

// The seam components depend on, so tests can substitute a recorder and a
// component can carry its limits and cancel token with it.
class HttpClient {
 public:
  HttpClient() = default;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  virtual ~HttpClient() = default;

  // Same contract as fetch().
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
};

// HttpClient over fetch() with fixed limits and an optional cancel token,
// which must outlive the client. Thread-safe.
class DefaultHttpClient final : public HttpClient {
 public:
  explicit DefaultHttpClient(FetchLimits limits = {}, CancelToken* cancel = nullptr)
      : limits_(limits), cancel_(cancel) {}

  Result<HttpResponse> send(const HttpRequest& request) override {
    return fetch(request, limits_, cancel_);
  }

 private:
  FetchLimits limits_;
  CancelToken* cancel_;
};

}  // namespace cartrelay::core::net
