#include "app/http/detail/request_handler.h"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <typeinfo>
#include <utility>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>
#include <cxxabi.h>

#include "core/metrics/metrics.h"
#include "core/util/crypto.h"
#include "core/util/log.h"
#include "core/util/text.h"

namespace cartrelay::app::http::detail {
namespace {

// True when the request declares (Content-Length) a body larger than cap.
// Malformed lengths return false here; readBody reports them as 400.
bool declaresBodyOverCap(const Poco::Net::HTTPServerRequest& request, std::size_t cap) {
  if (!request.hasContentLength()) return false;
  try {
    std::int64_t length = request.getContentLength64();
    return length >= 0 && static_cast<std::uint64_t>(length) > cap;
  } catch (const Poco::Exception&) {
    return false;
  }
}

using Clock = std::chrono::steady_clock;

constexpr std::size_t kReadChunkBytes = 16 * 1024;
// After refusing a body we discard what the client is still sending for a
// short while before closing: closing a socket with unread input makes the
// kernel send a reset, and the client may then lose our answer.
constexpr std::size_t kLingerMaxBytes = 4 * 1024 * 1024;
constexpr std::chrono::milliseconds kLingerMax{2000};

constexpr std::string_view kUnmatched = "unmatched";

// Bookkeeping for one request, for the connection decision and the log line.
struct Outcome {
  std::string route = std::string(kUnmatched);
  // Answer with Connection: close.
  bool close = false;
  // The client may still be sending a body we did not read: discard it for a
  // moment after answering, then close.
  bool linger = false;
  std::size_t request_bytes = 0;
  std::string error;
};

std::string newRequestId() {
  auto bytes = core::crypto::randomBytes(8);
  if (bytes.isOk()) return core::crypto::hexEncode(*bytes);
  // The CSPRNG failing is close to impossible; an id must still be unique.
  static std::atomic<std::uint64_t> counter{0};
  std::array<char, 24> buf{};
  std::snprintf(buf.data(), buf.size(), "c%015llx",
                static_cast<unsigned long long>(counter.fetch_add(1) + 1));
  return std::string(buf.data());
}

// Methods become a metrics label and a log field: keep the set closed so a
// client cannot mint new label values.
std::string_view methodLabel(std::string_view method) {
  static constexpr std::array<std::string_view, 7> kKnown = {"GET",    "HEAD",  "POST",   "PUT",
                                                             "DELETE", "PATCH", "OPTIONS"};
  for (std::string_view m : kKnown) {
    if (m == method) return m;
  }
  return "OTHER";
}

// The dynamic type of an exception, for the log. Never what(): messages of
// parsers and drivers may quote the payload.
std::string typeName(const std::type_info& type) {
  int status = 0;
  char* demangled = abi::__cxa_demangle(type.name(), nullptr, nullptr, &status);
  std::string out = (status == 0 && demangled != nullptr) ? demangled : type.name();
  std::free(demangled);
  return out;
}

// Splits a request target into raw path and raw query. Accepts origin form
// ("/a?b") and absolute form ("http://host/a?b"); nullopt for anything else.
bool splitTarget(std::string_view target, std::string& path, std::string& query) {
  if (target.empty()) return false;
  if (target.front() != '/') {
    std::size_t scheme_end = target.find("://");
    if (scheme_end == std::string_view::npos) return false;
    std::size_t path_start = target.find_first_of("/?", scheme_end + 3);
    if (path_start == std::string_view::npos) {
      target = "/";
    } else if (target[path_start] == '?') {
      path = "/";
      query = std::string(target.substr(path_start + 1));
      return true;
    } else {
      target = target.substr(path_start);
    }
  }
  std::size_t hash = target.find('#');
  if (hash != std::string_view::npos) target = target.substr(0, hash);
  std::size_t question = target.find('?');
  path = std::string(target.substr(0, question));
  query =
      question == std::string_view::npos ? std::string() : std::string(target.substr(question + 1));
  return true;
}

bool announcesBody(const Poco::Net::HTTPServerRequest& request) {
  return request.getChunkedTransferEncoding() || request.has("Transfer-Encoding") ||
         (request.has("Content-Length") && request.get("Content-Length") != "0");
}

// Reads the request body into `body`, or returns the answer that refuses it.
std::optional<HttpResponse> readBody(Poco::Net::HTTPServerRequest& request, std::size_t cap,
                                     std::string& body, Outcome& outcome) {
  const bool chunked = request.getChunkedTransferEncoding();
  if (request.has("Transfer-Encoding") && !chunked) {
    outcome.close = outcome.linger = true;
    return HttpResponse::error(400, "INVALID_ARGUMENT", "unsupported Transfer-Encoding");
  }
  if (chunked && request.has("Content-Length")) {
    // Both framings at once is the request-smuggling shape; refuse it.
    outcome.close = outcome.linger = true;
    return HttpResponse::error(400, "INVALID_ARGUMENT",
                               "both Content-Length and Transfer-Encoding");
  }
  std::int64_t expected = -1;
  if (!chunked) {
    if (!request.hasContentLength()) return std::nullopt;  // no body (RFC 9112 6.3)
    try {
      expected = request.getContentLength64();
    } catch (const Poco::Exception&) {
      expected = -1;
    }
    if (expected < 0) {
      outcome.close = outcome.linger = true;
      return HttpResponse::error(400, "INVALID_ARGUMENT", "invalid Content-Length");
    }
    if (static_cast<std::uint64_t>(expected) > cap) {
      outcome.close = outcome.linger = true;
      outcome.error = "content_length_over_cap";
      return HttpResponse::fromStatus(
          core::Status::tooLarge("request body larger than " + std::to_string(cap) + " bytes"));
    }
    body.reserve(static_cast<std::size_t>(expected));
  }

  std::istream& in = request.stream();
  // Poco's stream buffers throw (timeouts, resets, bad chunk framing); a
  // plain istream would swallow that into badbit and we could not tell a
  // slow client from the end of the body.
  in.exceptions(std::ios::badbit);
  std::array<char, kReadChunkBytes> buf{};
  try {
    for (;;) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      const auto n = static_cast<std::size_t>(in.gcount());
      if (n > 0) {
        if (body.size() + n > cap) {
          outcome.close = outcome.linger = true;
          outcome.request_bytes = body.size() + n;
          body.clear();
          outcome.error = "chunked_body_over_cap";
          return HttpResponse::fromStatus(
              core::Status::tooLarge("request body larger than " + std::to_string(cap) + " bytes"));
        }
        body.append(buf.data(), n);
      }
      if (!in) break;
    }
  } catch (const Poco::TimeoutException&) {
    outcome.close = true;
    outcome.request_bytes = body.size();
    outcome.error = "body_read_timeout";
    return HttpResponse::error(408, "TIMEOUT", "request body not received in time");
  } catch (const Poco::Exception& e) {
    outcome.close = true;
    outcome.request_bytes = body.size();
    outcome.error = std::string("body_read_failed: ") + e.className();
    return HttpResponse::error(400, "INVALID_ARGUMENT", "request body could not be read");
  }
  outcome.request_bytes = body.size();
  if (expected >= 0 && body.size() != static_cast<std::size_t>(expected)) {
    outcome.close = true;
    outcome.error = "body_shorter_than_content_length";
    return HttpResponse::error(400, "INVALID_ARGUMENT", "request body shorter than Content-Length");
  }
  return std::nullopt;
}

// Response header fields the server owns, or that would break the framing.
bool reservedHeader(std::string_view name) {
  for (std::string_view reserved :
       {"Content-Length", "Transfer-Encoding", "Connection", "Date", "X-Request-Id", "Server"}) {
    if (core::equalsIgnoringAsciiCase(name, reserved)) return true;
  }
  return false;
}

bool safeHeaderText(std::string_view text) {
  for (char c : text) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

void lingerAndDiscard(Poco::Net::HTTPServerRequest& request) {
  auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request);
  if (impl == nullptr) return;
  try {
    Poco::Net::StreamSocket& socket = impl->socket();
    socket.shutdownSend();
    std::array<char, kReadChunkBytes> buf{};
    std::size_t discarded = 0;
    const Clock::time_point deadline = Clock::now() + kLingerMax;
    while (discarded < kLingerMaxBytes) {
      auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now());
      if (left.count() <= 0) break;
      if (!socket.poll(Poco::Timespan(left.count()), Poco::Net::Socket::SELECT_READ)) break;
      int n = socket.receiveBytes(buf.data(), static_cast<int>(buf.size()));
      if (n <= 0) break;
      discarded += static_cast<std::size_t>(n);
    }
  } catch (...) {
    // The client is gone or misbehaving; closing is all that is left.
  }
}

// Poco sets only the receive timeout on server sockets; without a send
// timeout a client that stops reading could hold the thread forever once the
// socket buffer is full.
void applySendTimeout(Poco::Net::HTTPServerRequest& request, int timeout_ms) {
  auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request);
  if (impl == nullptr) return;
  try {
    impl->socket().setSendTimeout(
        Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(timeout_ms) * 1000));
  } catch (const Poco::Exception&) {
    // A socket that cannot take options will fail the write and be closed.
  }
}

class RequestHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit RequestHandler(std::shared_ptr<ServerState> state) : state_(std::move(state)) {}
  RequestHandler(const RequestHandler&) = delete;
  RequestHandler& operator=(const RequestHandler&) = delete;

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override;

 private:
  HttpResponse process(Poco::Net::HTTPServerRequest& request, const std::string& request_id,
                       Outcome& outcome);
  // Returns the number of body bytes written.
  std::size_t send(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                   HttpResponse& answer, const std::string& request_id, Outcome& outcome);

  std::shared_ptr<ServerState> state_;
};

void RequestHandler::handleRequest(Poco::Net::HTTPServerRequest& request,
                                   Poco::Net::HTTPServerResponse& response) {
  const Clock::time_point started = Clock::now();
  state_->beginRequest();
  struct EndGuard {
    ServerState& state;
    ~EndGuard() { state.endRequest(); }
  } end_guard{*state_};

  applySendTimeout(request, state_->options.read_timeout_ms);
  const std::string request_id = newRequestId();
  const std::string method = request.getMethod();
  Outcome outcome;
  HttpResponse answer;
  try {
    answer = process(request, request_id, outcome);
  } catch (const std::exception& e) {
    answer = HttpResponse::error(500, "INTERNAL", "internal error");
    outcome.error = "handler_exception: " + typeName(typeid(e));
  } catch (...) {
    answer = HttpResponse::error(500, "INTERNAL", "internal error");
    outcome.error = "handler_exception: unknown";
  }
  if (!answer.log_detail.empty()) {
    outcome.error =
        outcome.error.empty() ? answer.log_detail : outcome.error + "; " + answer.log_detail;
  }

  std::size_t sent_bytes = 0;
  bool sent = false;
  try {
    sent_bytes = send(request, response, answer, request_id, outcome);
    sent = true;
  } catch (const std::exception& e) {
    outcome.error += outcome.error.empty() ? "" : "; ";
    outcome.error += "write_failed: " + typeName(typeid(e));
    response.setKeepAlive(false);
  } catch (...) {
    outcome.error += outcome.error.empty() ? "write_failed" : "; write_failed";
    response.setKeepAlive(false);
  }
  // Measured before lingering: that is connection teardown, not the request.
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  if (sent && outcome.linger) lingerAndDiscard(request);

  const std::string_view method_label = methodLabel(method);
  try {
    state_->metrics.observeHttpRequest(outcome.route, method_label, answer.status, seconds);
  } catch (...) {
    // Metrics must never take a request down.
  }
  {
    core::log::Line line(answer.status >= 500 ? core::log::Level::kWarn : core::log::Level::kInfo,
                         "http.request");
    line.kv("request_id", request_id)
        .kv("method", method_label)
        .kv("route", outcome.route)
        .kv("status", answer.status)
        .kv("ms", seconds * 1000.0)
        .kv("bytes", static_cast<std::uint64_t>(sent_bytes));
    if (outcome.request_bytes > 0) {
      line.kv("req_bytes", static_cast<std::uint64_t>(outcome.request_bytes));
    }
    if (!outcome.error.empty()) line.kv("error", outcome.error);
  }
}

HttpResponse RequestHandler::process(Poco::Net::HTTPServerRequest& request,
                                     const std::string& request_id, Outcome& outcome) {
  HttpRequest req;
  req.method = request.getMethod();
  req.request_id = request_id;
  if (!splitTarget(request.getURI(), req.path, req.query)) {
    outcome.close = outcome.linger = announcesBody(request);
    return HttpResponse::error(400, "INVALID_ARGUMENT", "unsupported request target");
  }

  // A declared body over the cap is refused before routing: whatever the
  // target, the daemon will not read it, and the client learns why (413)
  // rather than being told 404/405 after uploading.
  if (declaresBodyOverCap(request, state_->options.max_body_bytes)) {
    outcome.close = outcome.linger = true;
    outcome.error = "content_length_over_cap";
    return HttpResponse::fromStatus(core::Status::tooLarge(
        "request body larger than " + std::to_string(state_->options.max_body_bytes) + " bytes"));
  }

  Router::Match match = state_->router.match(req.method, req.path);
  if (match.outcome == Router::Match::Outcome::kNotFound) {
    outcome.close = outcome.linger = announcesBody(request);
    return HttpResponse::error(404, "NOT_FOUND", "no such resource");
  }
  outcome.route = match.label;
  if (match.outcome == Router::Match::Outcome::kMethodNotAllowed) {
    outcome.close = outcome.linger = announcesBody(request);
    HttpResponse r = HttpResponse::error(405, "METHOD_NOT_ALLOWED", "method not allowed");
    r.headers.set("Allow", match.allow);
    return r;
  }

  if (auto refused = readBody(request, state_->options.max_body_bytes, req.body, outcome)) {
    return std::move(*refused);
  }

  req.route = match.label;
  req.path_params = std::move(match.params);
  req.query_params = parseQuery(req.query);
  for (const auto& [name, value] : request) req.headers.add(name, value);
  try {
    req.remote_address = request.clientAddress().toString();
  } catch (const Poco::Exception&) {
    // The peer may already be gone; the address is informational only.
  }
  return (*match.handler)(req);
}

std::size_t RequestHandler::send(Poco::Net::HTTPServerRequest& request,
                                 Poco::Net::HTTPServerResponse& response, HttpResponse& answer,
                                 const std::string& request_id, Outcome& outcome) {
  if (answer.status < 200 || answer.status > 599) {
    outcome.error += outcome.error.empty() ? "" : "; ";
    outcome.error += "handler_bad_status: " + std::to_string(answer.status);
    answer = HttpResponse::error(500, "INTERNAL", "internal error");
  }
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.status),
                              std::string(reasonPhrase(answer.status)));
  if (!answer.content_type.empty() && safeHeaderText(answer.content_type)) {
    response.setContentType(answer.content_type);
  }
  for (const auto& [name, value] : answer.headers.fields()) {
    if (reservedHeader(name)) continue;
    if (name.empty() || !safeHeaderText(name) || !safeHeaderText(value) ||
        name.find(':') != std::string::npos) {
      outcome.error += outcome.error.empty() ? "" : "; ";
      outcome.error += "handler_bad_header_dropped";
      continue;
    }
    response.add(name, value);
  }
  if (answer.status == 503 && !answer.headers.contains("Retry-After")) {
    response.set("Retry-After", std::to_string(kRetryAfterSeconds));
  }
  response.set("X-Request-Id", request_id);
  if (outcome.close || state_->draining.load()) response.setKeepAlive(false);

  // send() + flush rather than sendBuffer(): sendBuffer leaves the header
  // bytes in a stream buffer that Poco flushes only when the response object
  // dies, which is after lingerAndDiscard() has shut the socket's send side.
  const bool head = request.getMethod() == "HEAD";
  response.setContentLength64(static_cast<Poco::Int64>(answer.body.size()));
  std::ostream& out = response.send();
  if (!head) out.write(answer.body.data(), static_cast<std::streamsize>(answer.body.size()));
  out.flush();
  if (!out) throw Poco::IOException("response write failed");
  return head ? 0 : answer.body.size();
}

}  // namespace

void ServerState::beginRequest() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++in_flight_;
}

void ServerState::endRequest() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (--in_flight_ == 0) idle_.notify_all();
}

bool ServerState::waitIdle(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  return idle_.wait_for(lock, timeout, [this] { return in_flight_ == 0; });
}

Poco::Net::HTTPRequestHandler* RequestHandlerFactory::createRequestHandler(
    const Poco::Net::HTTPServerRequest& request) {
  // Poco sends "100 Continue" before calling the handler only while the
  // response status is still 200. When the declared body is over the cap,
  // flag the response now so the client is told 413 instead of being invited
  // to upload.
  if (request.getExpectContinue() && request.hasContentLength()) {
    try {
      if (request.getContentLength64() < 0 ||
          static_cast<std::uint64_t>(request.getContentLength64()) >
              state_->options.max_body_bytes) {
        request.response().setStatus(Poco::Net::HTTPResponse::HTTP_REQUESTENTITYTOOLARGE);
      }
    } catch (const Poco::Exception&) {
      request.response().setStatus(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST);
    }
  }
  return new RequestHandler(state_);
}

}  // namespace cartrelay::app::http::detail
