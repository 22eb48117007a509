#include "tests/app/http/test_http.h"

#include <thread>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include "app/http/http_request.h"
#include "core/util/log.h"

namespace cartrelay::app::http::testing {

std::string Reply::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (equalsIgnoreCase(k, name)) return v;
  }
  return "";
}

bool Reply::hasHeader(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (equalsIgnoreCase(k, name)) return true;
  }
  return false;
}

Reply send(std::uint16_t port, const std::string& method, const std::string& target,
           const std::string& body, const HeaderList& headers, Framing framing) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  session.setTimeout(Poco::Timespan(10, 0));
  Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [k, v] : headers) request.add(k, v);
  if (framing == Framing::kChunked) {
    request.setChunkedTransferEncoding(true);
  } else if (!body.empty() || method == "POST" || method == "PUT") {
    request.setContentLength64(static_cast<Poco::Int64>(body.size()));
  }
  std::ostream& out = session.sendRequest(request);
  out.write(body.data(), static_cast<std::streamsize>(body.size()));
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  Reply reply;
  reply.status = static_cast<int>(response.getStatus());
  Poco::StreamCopier::copyToString(in, reply.body);
  for (const auto& [k, v] : response) reply.headers.emplace_back(k, v);
  return reply;
}

RawResult rawExchange(std::uint16_t port, const std::string& bytes,
                      std::chrono::milliseconds wait) {
  Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
  socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
  RawResult result;
  const auto deadline = std::chrono::steady_clock::now() + wait;
  char buf[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    if (!socket.poll(Poco::Timespan(left.count()), Poco::Net::Socket::SELECT_READ)) break;
    int n = 0;
    try {
      n = socket.receiveBytes(buf, sizeof buf);
    } catch (const Poco::Exception&) {
      result.closed = true;  // reset counts as closed
      break;
    }
    if (n <= 0) {
      result.closed = true;
      break;
    }
    result.received.append(buf, static_cast<std::size_t>(n));
  }
  return result;
}

LogCapture::LogCapture() : shared_(std::make_shared<Shared>()) {
  std::shared_ptr<Shared> shared = shared_;
  core::log::setSinkForTesting([shared](std::string_view line) {
    std::lock_guard<std::mutex> lock(shared->mutex);
    shared->lines.emplace_back(line);
  });
}

LogCapture::~LogCapture() { core::log::setSinkForTesting(nullptr); }

std::vector<std::string> LogCapture::lines() const {
  std::lock_guard<std::mutex> lock(shared_->mutex);
  return shared_->lines;
}

std::string LogCapture::waitFor(const std::vector<std::string>& needles) const {
  std::string found;
  eventually([&] {
    for (const std::string& line : lines()) {
      bool all = true;
      for (const std::string& n : needles) all = all && line.find(n) != std::string::npos;
      if (all) {
        found = line;
        return true;
      }
    }
    return false;
  });
  return found;
}

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return pred();
}

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
