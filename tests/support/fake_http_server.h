#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Net
}  // namespace Poco

namespace cartrelay::testing {

// One request as the fake server received it.
struct RecordedRequest {
  std::string method;
  std::string path;                                          // without the query string
  std::vector<std::pair<std::string, std::string>> query;    // percent-decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;

  // The first query parameter / header called `name`, or nullopt. Header
  // names are matched case-insensitively.
  std::optional<std::string> param(const std::string& name) const;
  std::optional<std::string> header(const std::string& name) const;
};

struct FakeResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// What the next request(s) should suffer instead of an answer.
enum class FailureMode {
  kHttp500,          // 500 with a small JSON body
  kCloseConnection,  // read the request, close the socket without answering
  kHang,             // never answer (until releaseHangs(), the hang limit or destruction)
};

// An in-process HTTP/1.1 server on 127.0.0.1 with an ephemeral port (Poco
// HTTPServer on port 0) for the fake platform APIs: records every request,
// injects failures on demand, and passes everything else to `handler`.
// Connections are not kept alive. Thread-safe; the handler may run on
// several server threads at once and must lock its own data.
class FakeHttpServer {
 public:
  using Handler = std::function<FakeResponse(const RecordedRequest&)>;

  explicit FakeHttpServer(Handler handler);
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;
  // Releases hanging requests, stops the server and joins its threads.
  ~FakeHttpServer();

  int port() const { return port_; }
  std::string baseUrl() const;  // "http://127.0.0.1:<port>"

  // The next `count` requests fail with `mode` (queued after earlier ones).
  void failNext(FailureMode mode, int count = 1);
  // A hanging request gives up (without answering) after this long; default 10 s.
  void setHangLimitMs(std::int64_t ms);
  void releaseHangs();

  // How many requests are hanging right now (kHang, not yet released).
  int hangingNow() const;

  std::vector<RecordedRequest> requests() const;
  void clearRequests();
  std::size_t requestCount() const;

  // Called by the server's request handler; not for tests.
  void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

 private:
  Handler handler_;
  mutable std::mutex mu_;
  std::condition_variable hang_cv_;
  std::vector<RecordedRequest> requests_;
  std::deque<FailureMode> failures_;
  std::int64_t hang_limit_ms_ = 10'000;
  std::uint64_t hang_generation_ = 0;
  int hanging_ = 0;
  bool stopping_ = false;
  std::unique_ptr<Poco::ThreadPool> pool_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  int port_ = 0;
};

}  // namespace cartrelay::testing
