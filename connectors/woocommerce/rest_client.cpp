#include "connectors/woocommerce/rest_client.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "core/util/base64.h"
#include "core/util/url_encoding.h"

namespace cartrelay::connectors::woocommerce {
namespace {

using core::percentEncode;
using core::Result;
using core::Status;
using Json = nlohmann::json;

constexpr std::int64_t kDefaultRetryAfterMs = 1000;

std::optional<std::int64_t> headerNumber(const core::net::HttpResponse& response,
                                         std::string_view name) {
  auto value = response.header(name);
  if (!value) return std::nullopt;
  std::int64_t number = 0;
  auto [ptr, ec] = std::from_chars(value->data(), value->data() + value->size(), number);
  if (ec != std::errc() || ptr != value->data() + value->size()) return std::nullopt;
  return number;
}

// "scheme://host[:port]" -> host, for the loopback rule.
std::string hostOf(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return {};
  std::string rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  const auto at = rest.rfind('@');
  if (at != std::string::npos) rest = rest.substr(at + 1);
  if (!rest.empty() && rest.front() == '[') return rest.substr(0, rest.find(']') + 1);
  return rest.substr(0, rest.find(':'));
}

}  // namespace

RestClient::RestClient(RestOptions options, core::net::HttpClient& http, const core::Clock& clock,
                       core::polling::WaitFn wait)
    : options_(std::move(options)), http_(http), clock_(clock), wait_(std::move(wait)) {
  std::string base = options_.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  api_base_ = base + "/wp-json/wc/v3";
  options_.max_rate_limit_retries = std::max(options_.max_rate_limit_retries, 0);
  options_.max_rate_limit_wait_ms = std::max<std::int64_t>(options_.max_rate_limit_wait_ms, 1);
}

Status RestClient::validate() const {
  const std::string& url = options_.base_url;
  if (url.rfind("https://", 0) == 0) {
    if (hostOf(url).empty()) return Status::invalidArgument("woocommerce base_url has no host");
    return Status::ok();
  }
  if (url.rfind("http://", 0) == 0) {
    if (core::net::isLoopbackHost(hostOf(url))) return Status::ok();
    return Status::invalidArgument(
        "woocommerce base_url must be https:// (Basic auth would send the consumer secret in "
        "clear text); plain http is allowed only for loopback hosts");
  }
  return Status::invalidArgument("woocommerce base_url must start with https://");
}

std::string RestClient::authorizationHeader() const {
  return "Basic " + core::base64Encode(options_.consumer_key + ":" + options_.consumer_secret);
}

Result<RestResult> RestClient::get(const std::string& path, const QueryParams& query) {
  return send("GET", path, query, nullptr);
}

Result<RestResult> RestClient::post(const std::string& path, const Json& body) {
  const std::string text = body.dump();
  return send("POST", path, {}, &text);
}

Result<RestResult> RestClient::put(const std::string& path, const Json& body) {
  const std::string text = body.dump();
  return send("PUT", path, {}, &text);
}

Result<RestResult> RestClient::send(const std::string& method, const std::string& path,
                                    const QueryParams& query, const std::string* body) {
  CARTRELAY_RETURN_IF_ERROR(validate());
  core::net::HttpRequest request;
  request.method = method;
  request.url = api_base_ + "/" + path;
  std::string separator = "?";
  for (const auto& [name, value] : query) {
    request.url += separator + percentEncode(name) + "=" + percentEncode(value);
    separator = "&";
  }
  request.headers = {{"Authorization", authorizationHeader()}, {"Accept", "application/json"}};
  if (body != nullptr) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = *body;
  }
  const std::string what = "woocommerce " + method + " /wc/v3/" + path;

  for (int attempt = 0; attempt <= options_.max_rate_limit_retries; ++attempt) {
    auto sent = http_.send(request);
    if (!sent.isOk()) return sent.status().withContext(what);
    const core::net::HttpResponse& response = *sent;
    if (response.status == 429) {
      std::optional<std::int64_t> delay;
      if (auto header = response.header("Retry-After"))
        delay = core::polling::parseRetryAfterMs(*header, clock_.nowMillis());
      ++rate_limit_waits_;
      const std::int64_t ms = std::clamp<std::int64_t>(delay.value_or(kDefaultRetryAfterMs), 1,
                                                       options_.max_rate_limit_wait_ms);
      if (wait_ && !wait_(ms))
        return Status::unavailable(what + ": interrupted while rate limited");
      continue;
    }
    const std::string code = ": HTTP " + std::to_string(response.status);
    if (response.status == 401 || response.status == 403)
      return Status::unauthenticated(what + code + " (check consumer_key/consumer_secret)");
    if (response.status == 404) return Status::notFound(what + code);
    if (response.status >= 500) return Status::unavailable(what + code);
    if (response.status < 200 || response.status >= 300) return Status::permanent(what + code);

    RestResult result;
    result.status = response.status;
    result.body = Json::parse(response.body, nullptr, /*allow_exceptions=*/false);
    if (result.body.is_discarded()) return Status::unavailable(what + ": response is not JSON");
    result.total = headerNumber(response, "X-WP-Total");
    result.total_pages = headerNumber(response, "X-WP-TotalPages");
    return result;
  }
  return Status::unavailable(what + ": still rate limited after " +
                             std::to_string(options_.max_rate_limit_retries) + " retries");
}

}  // namespace cartrelay::connectors::woocommerce
