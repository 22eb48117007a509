#include "core/net/http_fetch.h"

#include <algorithm>
#include <chrono>
#include <istream>
#include <memory>
#include <mutex>
#include <ostream>

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketImpl.h>
#include <Poco/URI.h>
#include <sys/socket.h>

#include "core/util/text.h"

namespace cartrelay::core::net {
namespace {

using SteadyClock = std::chrono::steady_clock;

// One client context for the process: loading the CA store is not free, and
// a Context is immutable once built, so sharing it between threads is safe.
Poco::Net::Context::Ptr clientContext() {
  static std::once_flag once;
  static Poco::Net::Context::Ptr context;
  std::call_once(once, [] {
    Poco::Net::initializeSSL();
    Poco::Net::Context::Params params;
    params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;  // client: verify the peer
    params.verificationDepth = 9;
    params.loadDefaultCAs = true;  // the system store (/etc/ssl/certs via OpenSSL defaults)
    params.cipherList = "HIGH:!aNULL:!MD5:!RC4";
    auto ctx =
        Poco::Net::Context::Ptr(new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params));
    ctx->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    // Host-name check of the peer certificate (on by default; stated here
    // because it is what makes the verification meaningful).
    ctx->enableExtendedCertificateVerification(true);
    context = ctx;
  });
  return context;
}

// Clears the registration of a connection's socket in the cancel token
// before the session (and its descriptor) goes away.
class AttachGuard {
 public:
  explicit AttachGuard(CancelToken* token) : token_(token) {}
  AttachGuard(const AttachGuard&) = delete;
  AttachGuard& operator=(const AttachGuard&) = delete;
  ~AttachGuard() {
    if (token_ != nullptr) (void)token_->attach(-1);
  }

 private:
  CancelToken* token_;
};

// The marker requestNeverSent() looks for: the failure happened before a
// byte of the request was handed to the socket.
constexpr std::string_view kNotSent = ": not sent: ";

// `sent` says whether the request may have reached the server (see
// requestNeverSent).
Status failure(const std::string& host, const std::string& what, const CancelToken* cancel,
               bool sent = true) {
  const std::string separator = sent ? ": " : std::string(kNotSent);
  if (cancel != nullptr && cancel->cancelled())
    return Status::unavailable("http " + host + separator + "cancelled");
  return Status::unavailable("http " + host + separator + what);
}

}  // namespace

bool requestNeverSent(const Status& status) {
  return status.code() == Status::Code::kUnavailable &&
         status.message().find(kNotSent) != std::string::npos;
}

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (equalsIgnoringAsciiCase(key, name)) return value;
  }
  return std::nullopt;
}

void CancelToken::cancel() {
  std::lock_guard<std::mutex> lock(mu_);
  cancelled_ = true;
  // shutdown(2) on a descriptor another thread is blocked on is safe and
  // wakes that thread; the descriptor stays open until its owner closes it,
  // which cannot happen while we hold the lock (attach(-1) comes first).
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

bool CancelToken::cancelled() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cancelled_;
}

void CancelToken::reset() {
  std::lock_guard<std::mutex> lock(mu_);
  cancelled_ = false;
}

bool CancelToken::attach(int fd) {
  std::lock_guard<std::mutex> lock(mu_);
  fd_ = cancelled_ ? -1 : fd;
  return !cancelled_;
}

bool isLoopbackHost(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (equalsIgnoringAsciiCase(host, "localhost")) return true;
  Poco::Net::IPAddress address;
  if (!Poco::Net::IPAddress::tryParse(std::string(host), address)) return false;
  return address.isLoopback();
}

Result<HttpResponse> fetch(const HttpRequest& request, const FetchLimits& limits,
                           CancelToken* cancel) {
  Poco::URI uri;
  try {
    uri = Poco::URI(request.url);
  } catch (const Poco::Exception&) {
    return Status::invalidArgument("http: malformed URL");
  }
  const std::string scheme = uri.getScheme();
  const std::string host = uri.getHost();
  if (host.empty()) return Status::invalidArgument("http: URL has no host");
  const bool https = scheme == "https";
  if (!https && scheme != "http")
    return Status::invalidArgument(
        "http: unsupported URL scheme (only https, or http to loopback)");
  if (!https && !isLoopbackHost(host))
    return Status::invalidArgument("http " + host +
                                   ": plain http:// is allowed only for loopback hosts; use https");
  if (cancel != nullptr && cancel->cancelled()) return failure(host, "cancelled", cancel, false);

  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(limits.total_timeout_ms);
  // What is left of the total budget, at least 1 ms so a socket timeout of 0
  // never means "wait forever".
  auto remaining = [&]() -> Poco::Timespan {
    auto left =
        std::chrono::duration_cast<std::chrono::microseconds>(deadline - SteadyClock::now());
    return Poco::Timespan(std::max<std::int64_t>(left.count(), 1000));
  };
  auto expired = [&] { return SteadyClock::now() >= deadline; };
  std::unique_ptr<Poco::Net::HTTPClientSession> session;
  // Until sendRequest() returns, nothing of the request can have reached
  // the server (it connects and handshakes first).
  bool request_started = false;
  // Whether the request may have reached the server. Over TLS not even a
  // returned sendRequest() proves that: Poco can come back from a handshake
  // that is still waiting for the peer (its timeout surfaces later, on the
  // first write or read), and no request byte leaves before the handshake
  // is done. A completed handshake is the only way to hold the server's
  // certificate, so its presence is the proof.
  auto sent = [&]() -> bool {
    if (!request_started) return false;
    if (!https) return true;
    try {
      return Poco::Net::SecureStreamSocket(session->socket()).havePeerCertificate();
    } catch (const Poco::Exception&) {
      return true;  // cannot tell: assume it may have arrived
    }
  };

  try {
    const auto port = uri.getPort();
    if (https) {
      session = std::make_unique<Poco::Net::HTTPSClientSession>(host, port, clientContext());
    } else {
      session = std::make_unique<Poco::Net::HTTPClientSession>(host, port);
    }
    AttachGuard guard(cancel);
    const Poco::Timespan connect_timeout(
        std::min<std::int64_t>(limits.connect_timeout_ms, limits.total_timeout_ms) * 1000);
    session->setTimeout(connect_timeout, remaining(), remaining());
    session->setKeepAlive(false);

    std::string target = uri.getPathAndQuery();
    if (target.empty()) target = "/";
    Poco::Net::HTTPRequest poco_request(request.method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [name, value] : request.headers) poco_request.add(name, value);
    const bool send_body =
        !request.body.empty() || request.method == "POST" || request.method == "PUT";
    if (send_body) poco_request.setContentLength64(static_cast<Poco::Int64>(request.body.size()));

    std::ostream& out = session->sendRequest(poco_request);  // connects (and handshakes)
    request_started = true;
    if (cancel != nullptr && !cancel->attach(session->socket().impl()->sockfd()))
      return failure(host, "cancelled", cancel, sent());
    if (send_body)
      out.write(request.body.data(), static_cast<std::streamsize>(request.body.size()));
    if (expired()) return failure(host, "timed out", cancel, sent());

    session->socket().setReceiveTimeout(remaining());
    Poco::Net::HTTPResponse poco_response;
    std::istream& in = session->receiveResponse(poco_response);
    // A read error inside the stream buffer (timeout, reset) is rethrown as
    // the original exception instead of looking like the end of the body.
    in.exceptions(std::ios::badbit);

    HttpResponse response;
    response.status = static_cast<int>(poco_response.getStatus());
    for (const auto& [name, value] : poco_response) response.headers.emplace_back(name, value);
    if (poco_response.hasContentLength() &&
        poco_response.getContentLength64() > static_cast<Poco::Int64>(limits.max_body_bytes))
      return Status::tooLarge("http " + host + ": response body exceeds " +
                              std::to_string(limits.max_body_bytes) + " bytes");

    char buffer[16 * 1024];
    while (true) {
      if (expired()) return failure(host, "timed out reading the response", cancel);
      session->socket().setReceiveTimeout(remaining());
      in.read(buffer, sizeof buffer);
      const std::streamsize got = in.gcount();
      if (got > 0) {
        if (response.body.size() + static_cast<std::size_t>(got) > limits.max_body_bytes)
          return Status::tooLarge("http " + host + ": response body exceeds " +
                                  std::to_string(limits.max_body_bytes) + " bytes");
        response.body.append(buffer, static_cast<std::size_t>(got));
      }
      if (!in) break;  // end of body
    }
    return response;
  } catch (const Poco::TimeoutException&) {
    return failure(host, "timed out", cancel, sent());
  } catch (const Poco::Net::ConnectionRefusedException&) {
    return failure(host, "connection refused", cancel, sent());
  } catch (const Poco::Net::HostNotFoundException&) {
    return failure(host, "cannot resolve host", cancel, sent());
  } catch (const Poco::Net::NoAddressFoundException&) {
    return failure(host, "cannot resolve host", cancel, sent());
  } catch (const Poco::Net::SSLException& e) {
    return failure(host, "TLS: " + e.displayText(), cancel, sent());
  } catch (const Poco::Net::NoMessageException&) {
    return failure(host, "connection closed without a response", cancel, sent());
  } catch (const Poco::Net::MessageException&) {
    return failure(host, "malformed HTTP response", cancel, sent());
  } catch (const Poco::Exception& e) {
    return failure(host, e.displayText(), cancel, sent());
  } catch (const std::exception& e) {
    return failure(host, e.what(), cancel, sent());
  }
}

}  // namespace cartrelay::core::net
