#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cartrelay::app::http {

// An ordered list of header fields with ASCII case-insensitive name lookup, as
// HTTP requires ("X-Shopify-Hmac-Sha256" and "x-shopify-hmac-sha256" are the
// same field). Values are kept byte for byte.
//
// Thread-safety: a value type; concurrent reads are safe.
class Headers {
 public:
  using Field = std::pair<std::string, std::string>;

  Headers() = default;
  Headers(const Headers&) = default;
  Headers& operator=(const Headers&) = default;
  Headers(Headers&&) noexcept = default;
  Headers& operator=(Headers&&) noexcept = default;

  // Appends a field, keeping any earlier field of the same name.
  void add(std::string name, std::string value);
  // Replaces every field of that name by one field.
  void set(std::string name, std::string value);
  // Removes every field of that name.
  void remove(std::string_view name);

  // The first field of that name; the view lives as long as this object is
  // not modified.
  std::optional<std::string_view> get(std::string_view name) const;
  bool contains(std::string_view name) const { return get(name).has_value(); }

  const std::vector<Field>& fields() const { return fields_; }
  bool empty() const { return fields_.empty(); }
  std::size_t size() const { return fields_.size(); }

 private:
  std::vector<Field> fields_;
};

// Query parameters in the order they appear; names may repeat.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Path parameters captured from `{name}` segments of the route pattern.
using PathParams = std::map<std::string, std::string, std::less<>>;

// One HTTP request as handlers see it: fully read and already checked against
// the body cap, with no Poco type in sight. Built by HttpServer; tests may
// build one by hand to call a handler directly.
//
// Nothing in here may be logged as-is except method, route and request_id:
// the query string, headers and body can carry personal data or secrets.
struct HttpRequest {
  // As sent, e.g. "GET", "POST" (HTTP methods are case-sensitive).
  std::string method;
  // The raw (still percent-encoded) path, without the query: "/r/ab%20c".
  std::string path;
  // The raw query string without '?', e.g. "a=1&b=two%20words"; empty if none.
  std::string query;
  // `query` split on '&' and '=', with '+' and %XX decoded.
  QueryParams query_params;
  Headers headers;
  // The complete body (binary-safe), at most HttpServerOptions::max_body_bytes.
  std::string body;
  // Decoded values of the route's `{name}` segments; every name in the
  // pattern is present and non-empty.
  PathParams path_params;
  // The label of the route that matched (its pattern unless given another).
  std::string route;
  // Short random hex id, echoed in the X-Request-Id response header and
  // logged with the request line.
  std::string request_id;
  // The peer's "ip:port". Personal data under GDPR: do not log it.
  std::string remote_address;

  // The first header of that name (case-insensitive).
  std::optional<std::string_view> header(std::string_view name) const { return headers.get(name); }
  // The first query parameter of that name (case-sensitive), decoded.
  std::optional<std::string_view> queryParam(std::string_view name) const;
  // The value of `{name}`; empty if the route pattern has no such segment.
  std::string_view pathParam(std::string_view name) const;
};

// Splits "a=1&b=&c" into {{"a","1"},{"b",""},{"c",""}}, decoding names and
// values; a malformed escape is kept literally rather than dropping the pair.
QueryParams parseQuery(std::string_view query);

}  // namespace cartrelay::app::http
