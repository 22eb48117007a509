#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace Poco::Net {
class HTTPClientSession;
}  // namespace Poco::Net

// The send benchmark's load generator (tests/bench/README.md): HTTP/1.1
// clients to a server on 127.0.0.1 and a bounded, multi-threaded request
// loop over them. Loopback only; every request has a 10 s socket timeout.
namespace cartrelay::bench {

struct Request {
  std::string method = "GET";
  std::string path;
  std::string body;  // sent with Content-Length when non-empty or for POST
  std::vector<std::pair<std::string, std::string>> headers;
};

struct Answer {
  int status = 0;  // 0: no HTTP answer (refused, reset, timed out)
  std::string body;
};

// One client connection to 127.0.0.1:port. With keep_alive the connection
// is reused across requests (and reopened after the server closed it);
// without, every request opens a fresh connection, as the Cloud API channel
// does. Not thread-safe: one per thread.
class Client {
 public:
  Client(int port, bool keep_alive);
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  ~Client();

  // Never throws; a transport failure is status 0.
  Answer send(const Request& request);

 private:
  int port_;
  bool keep_alive_;
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
};

struct LoadResult {
  std::size_t ok = 0;      // answers `check` accepted
  std::size_t failed = 0;  // other answers and transport failures
  std::string first_failure;
  std::int64_t start_us = 0;               // steady clock: first request started
  std::int64_t end_us = 0;                 // steady clock: last answer read
  std::vector<std::int64_t> latencies_us;  // one per request, in completion order

  double seconds() const { return static_cast<double>(end_us - start_us) / 1e6; }
  double perSecond() const { return seconds() > 0 ? static_cast<double>(ok) / seconds() : 0; }
  // The p-th percentile (0..100) of latencies_us, in ms; 0 when empty.
  double percentileMs(double p) const;
};

// Sends requests 0..total-1 over `clients` threads, each with its own Client
// (keep_alive as above): a thread takes the next index, sends make(index)
// and passes the answer to check(index, answer), which says whether it was
// the expected one. Returns when every request has been answered or failed.
// make and check are called concurrently from the client threads (for
// different indexes). Bounded: `total` requests, each at most 10 s.
LoadResult runLoad(int port, int clients, std::size_t total, bool keep_alive,
                   const std::function<Request(std::size_t index)>& make,
                   const std::function<bool(std::size_t index, const Answer&)>& check);

// Steady clock in microseconds / milliseconds, the time base of LoadResult.
std::int64_t steadyMicros();
std::int64_t steadyMillis();

}  // namespace cartrelay::bench
