#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>

// The tests' HTTP client for servers on this machine (the daemon, the
// app's HttpServer): one request per call, plus a raw byte exchange for
// what a well-behaved client cannot send.
namespace cartrelay::testing {

struct HttpResult {
  int status = 0;  // 0: no HTTP answer (connection refused, reset, timeout)
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased

  // The header called `name` (in any case), "" if absent.
  std::string header(std::string_view name) const;
  bool hasHeader(std::string_view name) const;
};

// How a request body is framed on the wire.
enum class Framing { kContentLength, kChunked };

// One request to 127.0.0.1:port over a fresh connection (Poco
// HTTPClientSession), 10 s timeout. A request with a body, and every POST
// and PUT, carries Content-Length unless `framing` is kChunked. Never
// throws.
HttpResult httpRequest(int port, const std::string& method, const std::string& path,
                       const std::string& body = "",
                       const std::map<std::string, std::string>& headers = {},
                       Framing framing = Framing::kContentLength);

// Writes raw bytes to 127.0.0.1:port, then reads until the server closes
// the connection or `wait` passes; `closed` tells which one happened (a
// reset counts as closed). Throws (Poco) only when it cannot connect.
struct RawResult {
  std::string received;
  bool closed = false;
};
RawResult rawExchange(int port, const std::string& bytes,
                      std::chrono::milliseconds wait = std::chrono::seconds(10));

}  // namespace cartrelay::testing
