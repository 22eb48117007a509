#include "tests/support/fake_http_server.h"

#include <chrono>
#include <istream>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include "core/util/text.h"

namespace cartrelay::testing {
namespace {

class Handler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(FakeHttpServer& owner) : owner_(owner) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    owner_.handle(request, response);
  }

 private:
  FakeHttpServer& owner_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(FakeHttpServer& owner) : owner_(owner) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(owner_);
  }

 private:
  FakeHttpServer& owner_;
};

}  // namespace

std::optional<std::string> RecordedRequest::param(const std::string& name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::optional<std::string> RecordedRequest::header(const std::string& name) const {
  const std::string wanted = core::asciiLower(name);
  for (const auto& [key, value] : headers) {
    if (key == wanted) return value;
  }
  return std::nullopt;
}

FakeHttpServer::FakeHttpServer(Handler handler) : handler_(std::move(handler)) {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  port_ = socket.address().port();
  auto params = new Poco::Net::HTTPServerParams();
  params->setKeepAlive(false);
  params->setMaxThreads(8);
  params->setMaxQueued(64);
  pool_ = std::make_unique<Poco::ThreadPool>(2, 16);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), *pool_, socket, params);
  server_->start();
}

FakeHttpServer::~FakeHttpServer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  hang_cv_.notify_all();
  server_->stopAll(true);
  pool_->joinAll();
  server_.reset();
}

std::string FakeHttpServer::baseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }

void FakeHttpServer::failNext(FailureMode mode, int count) {
  std::lock_guard<std::mutex> lock(mu_);
  for (int i = 0; i < count; ++i) failures_.push_back(mode);
}

void FakeHttpServer::setHangLimitMs(std::int64_t ms) {
  std::lock_guard<std::mutex> lock(mu_);
  hang_limit_ms_ = ms;
}

void FakeHttpServer::releaseHangs() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++hang_generation_;
  }
  hang_cv_.notify_all();
}

int FakeHttpServer::hangingNow() const {
  std::lock_guard<std::mutex> lock(mu_);
  return hanging_;
}

std::vector<RecordedRequest> FakeHttpServer::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

void FakeHttpServer::clearRequests() {
  std::lock_guard<std::mutex> lock(mu_);
  requests_.clear();
}

std::size_t FakeHttpServer::requestCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_.size();
}

void FakeHttpServer::handle(Poco::Net::HTTPServerRequest& request,
                            Poco::Net::HTTPServerResponse& response) {
  RecordedRequest recorded;
  recorded.method = request.getMethod();
  try {
    Poco::URI uri(request.getURI());
    recorded.path = uri.getPath();
    for (const auto& pair : uri.getQueryParameters()) recorded.query.push_back(pair);
  } catch (const Poco::Exception&) {
    recorded.path = request.getURI();
  }
  for (const auto& [name, value] : request)
    recorded.headers.emplace_back(core::asciiLower(name), value);
  std::istream& in = request.stream();
  char buffer[8192];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    recorded.body.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (recorded.body.size() > (8u << 20)) break;  // bounded: tests send small bodies
  }

  std::optional<FailureMode> failure;
  {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(recorded);
    if (!failures_.empty()) {
      failure = failures_.front();
      failures_.pop_front();
    }
  }
  response.setKeepAlive(false);
  if (failure == FailureMode::kHttp500) {
    response.setStatus(Poco::Net::HTTPResponse::HTTP_INTERNAL_SERVER_ERROR);
    response.setContentType("application/json");
    const std::string body = R"({"errors":"Internal Server Error"})";
    response.setContentLength(static_cast<std::streamsize>(body.size()));
    response.send() << body;
    return;
  }
  if (failure == FailureMode::kCloseConnection) {
    return;  // nothing sent: the connection closes when the handler returns
  }
  if (failure == FailureMode::kHang) {
    std::unique_lock<std::mutex> lock(mu_);
    const std::uint64_t generation = hang_generation_;
    ++hanging_;
    hang_cv_.wait_for(lock, std::chrono::milliseconds(hang_limit_ms_),
                      [&] { return stopping_ || hang_generation_ != generation; });
    --hanging_;
    return;
  }

  FakeResponse answer;
  try {
    answer = handler_(recorded);
  } catch (const std::exception& e) {
    answer.status = 500;
    answer.body = std::string("fake handler threw: ") + e.what();
  }
  response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.status));
  bool has_type = false;
  for (const auto& [name, value] : answer.headers) {
    if (core::asciiLower(name) == "content-type") has_type = true;
    response.set(name, value);
  }
  if (!has_type) response.setContentType("application/json");
  response.setContentLength(static_cast<std::streamsize>(answer.body.size()));
  response.send() << answer.body;
}

}  // namespace cartrelay::testing
