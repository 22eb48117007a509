#include "tests/support/http_client.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>

#include "core/util/text.h"

namespace cartrelay::testing {

std::string HttpResult::header(std::string_view name) const {
  auto it = headers.find(core::asciiLower(name));
  return it == headers.end() ? "" : it->second;
}

bool HttpResult::hasHeader(std::string_view name) const {
  return headers.count(core::asciiLower(name)) > 0;
}

HttpResult httpRequest(int port, const std::string& method, const std::string& path,
                       const std::string& body, const std::map<std::string, std::string>& headers,
                       Framing framing) {
  HttpResult result;
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    session.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [name, value] : headers) request.set(name, value);
    if (framing == Framing::kChunked) {
      request.setChunkedTransferEncoding(true);
    } else if (!body.empty() || method == "POST" || method == "PUT") {
      request.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    std::ostream& out = session.sendRequest(request);
    out << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    result.status = static_cast<int>(response.getStatus());
    for (const auto& [name, value] : response) result.headers[core::asciiLower(name)] = value;
    Poco::StreamCopier::copyToString(in, result.body);
  } catch (...) {
    // A refused or reset connection is an answer the tests assert on.
    if (result.status == 0) result.body.clear();
  }
  return result;
}

RawResult rawExchange(int port, const std::string& bytes, std::chrono::milliseconds wait) {
  Poco::Net::StreamSocket socket(
      Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
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

}  // namespace cartrelay::testing
