#include "app/http/link_handlers.h"

#include <string>
#include <string_view>

#include "compliance/tracked_links.h"
#include "core/metrics/metrics.h"
#include "core/util/log.h"

namespace cartrelay::app::http {
namespace {

constexpr std::string_view kTextHtml = "text/html; charset=utf-8";

// Fixed pages: whatever the request carried never comes back in them.
constexpr std::string_view kNotFoundPage =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<title>Link not found</title></head>\n<body><h1>Link not found</h1>"
    "<p>This link does not exist or has expired.</p></body></html>\n";
constexpr std::string_view kUnavailablePage =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<title>Try again</title></head>\n<body><h1>Temporarily unavailable</h1>"
    "<p>Please try the link again in a moment.</p></body></html>\n";

HttpResponse page(int status, std::string_view body) {
  HttpResponse r = HttpResponse::text(status, std::string(body));
  r.content_type = std::string(kTextHtml);
  // Not cached: the same link may become a 404 (expiry, erasure) or, after
  // a 503, work.
  r.headers.set("Cache-Control", "no-store");
  return r;
}

void count(core::metrics::Metrics* metrics, std::string_view outcome) {
  if (metrics != nullptr) metrics->countLinkClick(outcome);
}

HttpResponse follow(const LinkDeps& deps, const HttpRequest& request) {
  const std::string_view token = request.pathParam("token");
  if (!compliance::isLinkToken(token)) {
    count(deps.metrics, "not_found");
    HttpResponse r = page(404, kNotFoundPage);
    r.log_detail = "link: not a token";
    return r;
  }
  auto hit = deps.links->resolveAndCount(token);
  if (hit.isOk()) {
    count(deps.metrics, "redirected");
    HttpResponse r = HttpResponse::empty(302);
    r.headers.set("Location", hit->target);
    // Every click must reach us to be counted, and the target (often a
    // bearer link to a cart) must not be handed on as a Referer.
    r.headers.set("Cache-Control", "no-store");
    r.headers.set("Referrer-Policy", "no-referrer");
    return r;
  }
  if (hit.status().code() == core::Status::Code::kNotFound) {
    count(deps.metrics, "not_found");
    HttpResponse r = page(404, kNotFoundPage);
    r.log_detail = hit.status().message();  // which kind of miss; no token
    return r;
  }
  count(deps.metrics, "unavailable");
  // Store messages name the operation and the engine's error, never a bound
  // value, so neither the token's hash nor a target reaches the log.
  core::log::warn("link.store_failed").status(hit.status());
  HttpResponse r = page(503, kUnavailablePage);
  r.log_detail = hit.status().toString();
  return r;
}

}  // namespace

void addLinkRoutes(Router& router, LinkDeps deps) {
  router.add({"GET"}, "/r/{token}",
             [deps](const HttpRequest& request) { return follow(deps, request); });
}

}  // namespace cartrelay::app::http
