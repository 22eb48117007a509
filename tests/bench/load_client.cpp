#include "tests/bench/load_client.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <istream>
#include <mutex>
#include <ostream>
#include <thread>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

namespace cartrelay::bench {

std::int64_t steadyMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::int64_t steadyMillis() { return steadyMicros() / 1000; }

Client::Client(int port, bool keep_alive) : port_(port), keep_alive_(keep_alive) {}

Client::~Client() = default;

Answer Client::send(const Request& request) {
  Answer answer;
  try {
    if (!session_ || !keep_alive_) {
      session_ = std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1",
                                                                static_cast<Poco::UInt16>(port_));
      session_->setTimeout(Poco::Timespan(10, 0));
      session_->setKeepAlive(keep_alive_);
    }
    Poco::Net::HTTPRequest poco(request.method, request.path, Poco::Net::HTTPMessage::HTTP_1_1);
    poco.setKeepAlive(keep_alive_);
    for (const auto& [name, value] : request.headers) poco.set(name, value);
    if (!request.body.empty() || request.method == "POST") {
      poco.setContentLength(static_cast<std::streamsize>(request.body.size()));
    }
    std::ostream& out = session_->sendRequest(poco);
    out << request.body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session_->receiveResponse(response);
    Poco::StreamCopier::copyToString(in, answer.body);
    answer.status = static_cast<int>(response.getStatus());
  } catch (...) {
    // A broken connection is not reused; the caller counts the failure.
    session_.reset();
    answer.status = 0;
  }
  return answer;
}

double LoadResult::percentileMs(double p) const {
  if (latencies_us.empty()) return 0;
  std::vector<std::int64_t> sorted = latencies_us;
  std::sort(sorted.begin(), sorted.end());
  const auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(sorted.size() - 1));
  return static_cast<double>(sorted[std::min(rank, sorted.size() - 1)]) / 1000.0;
}

LoadResult runLoad(int port, int clients, std::size_t total, bool keep_alive,
                   const std::function<Request(std::size_t index)>& make,
                   const std::function<bool(std::size_t index, const Answer&)>& check) {
  LoadResult result;
  std::atomic<std::size_t> next{0};
  std::mutex mu;
  std::vector<std::thread> threads;
  result.start_us = steadyMicros();
  for (int c = 0; c < std::max(clients, 1); ++c) {
    threads.emplace_back([&] {
      Client client(port, keep_alive);
      std::vector<std::int64_t> latencies;
      std::size_t ok = 0;
      std::size_t failed = 0;
      std::string first_failure;
      for (std::size_t i = next++; i < total; i = next++) {
        const Request request = make(i);
        const std::int64_t started = steadyMicros();
        const Answer answer = client.send(request);
        latencies.push_back(steadyMicros() - started);
        if (check(i, answer)) {
          ++ok;
        } else if (failed++ == 0) {
          first_failure = std::to_string(answer.status) + " " + answer.body.substr(0, 200);
        }
      }
      std::lock_guard<std::mutex> lock(mu);
      result.ok += ok;
      result.failed += failed;
      if (result.first_failure.empty()) result.first_failure = first_failure;
      result.latencies_us.insert(result.latencies_us.end(), latencies.begin(), latencies.end());
    });
  }
  for (std::thread& t : threads) t.join();
  result.end_us = steadyMicros();
  return result;
}

}  // namespace cartrelay::bench
