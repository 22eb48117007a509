#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "app/http/http_request.h"
#include "app/http/http_response.h"
#include "core/util/status.h"

namespace cartrelay::app::http {

// A request handler. It is called concurrently from the server's threads, so
// it must be thread-safe; whatever it captures must outlive the HttpServer.
// It should not throw (HttpServer turns anything thrown into a 500 anyway)
// and must not block for long: stop() waits for in-flight handlers.
using Handler = std::function<HttpResponse(const HttpRequest&)>;

// The route table, built once at start-up by the composition root and then
// handed to HttpServer::start, after which it is read-only.
//
// A pattern is '/'-separated segments, each either literal ("webhooks") or a
// whole-segment parameter ("{shop}", name [A-Za-z_][A-Za-z0-9_]*):
//
//   router.add({"POST"}, "/webhooks/shopify/{shop}", handler);
//
// Matching (Router::match):
//   - the path is split on '/' and each segment percent-decoded; a segment
//     matches a literal exactly, a parameter matches any non-empty segment;
//     so "/healthz/" and "//healthz" match nothing;
//   - of the routes whose path and method match, the most specific wins
//     (the first literal segment beats a parameter: "/a/export" before "/a/{id}");
//   - HEAD is served by a route's GET handler unless HEAD is registered
//     explicitly (the server then sends headers only);
//   - no path match -> kNotFound (404); a path match without that method ->
//     kMethodNotAllowed (405) with the Allow value.
//
// Registration errors (malformed pattern, bad method, the same pattern shape
// and method twice) are collected instead of thrown; status() reports the
// first one and HttpServer::start refuses a router that has one.
//
// Thread-safety: add() is not thread-safe; match() and status() are safe to
// call concurrently once building is done.
class Router {
 public:
  struct Match {
    enum class Outcome { kMatched, kNotFound, kMethodNotAllowed };
    Outcome outcome = Outcome::kNotFound;
    // kMatched: the route's handler (owned by the Router).
    const Handler* handler = nullptr;
    // kMatched and kMethodNotAllowed: the label of the most specific route
    // whose path matched. Empty for kNotFound.
    std::string label;
    // kMatched: decoded `{name}` values.
    PathParams params;
    // kMethodNotAllowed: "GET, HEAD, POST" (sorted, HEAD added where GET is).
    std::string allow;
  };

  Router() = default;
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;
  Router(Router&&) noexcept = default;
  Router& operator=(Router&&) noexcept = default;
  ~Router() = default;

  // Registers handler for methods on pattern; the label used in logs and
  // metrics is the pattern itself.
  void add(const std::vector<std::string>& methods, std::string_view pattern, Handler handler);
  // Same with an explicit stable label (for example when two patterns are one
  // logical endpoint). Labels go to Prometheus: keep them few and constant.
  void add(const std::vector<std::string>& methods, std::string_view pattern,
           std::string_view label, Handler handler);

  // OK, or the first registration error (kInvalidArgument).
  core::Status status() const { return status_; }

  // Matches a raw (percent-encoded) request path such as "/webhooks/shopify/acme".
  Match match(std::string_view method, std::string_view path) const;

  std::size_t size() const { return routes_.size(); }

 private:
  struct Segment {
    bool is_param = false;
    std::string text;  // literal text or parameter name
  };
  struct Route {
    std::set<std::string> methods;
    std::vector<Segment> segments;
    std::string label;
    Handler handler;
  };

  void fail(std::string message);

  std::vector<Route> routes_;
  core::Status status_;
};

}  // namespace cartrelay::app::http
