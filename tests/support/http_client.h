#pragma once

#include <map>
#include <string>

namespace cartrelay::testing {

struct HttpResult {
  int status = 0;  // 0: no HTTP answer (connection refused, reset, timeout)
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased
};

// One request to 127.0.0.1:port over a fresh connection (Poco
// HTTPClientSession), 10 s timeout. Never throws.
HttpResult httpRequest(int port, const std::string& method, const std::string& path,
                       const std::string& body = "",
                       const std::map<std::string, std::string>& headers = {});

}  // namespace cartrelay::testing
