#include "tests/support/http_client.h"

#include <cctype>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

namespace cartrelay::testing {

HttpResult httpRequest(int port, const std::string& method, const std::string& path,
                       const std::string& body, const std::map<std::string, std::string>& headers) {
  HttpResult result;
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    session.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [name, value] : headers) request.set(name, value);
    if (!body.empty() || method == "POST")
      request.setContentLength(static_cast<std::streamsize>(body.size()));
    std::ostream& out = session.sendRequest(request);
    out << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    result.status = static_cast<int>(response.getStatus());
    for (const auto& [name, value] : response) {
      std::string lower = name;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      result.headers[lower] = value;
    }
    Poco::StreamCopier::copyToString(in, result.body);
  } catch (...) {
    // A refused or reset connection is an answer the tests assert on.
    if (result.status == 0) result.body.clear();
  }
  return result;
}

}  // namespace cartrelay::testing
