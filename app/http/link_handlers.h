#pragma once

#include "app/http/router.h"

namespace cartrelay::compliance {
class TrackedLinks;
}  // namespace cartrelay::compliance

namespace cartrelay::core::metrics {
class Metrics;
}  // namespace cartrelay::core::metrics

namespace cartrelay::app::http {

// What the tracked-link route uses. Pointers must outlive the server.
struct LinkDeps {
  const compliance::TrackedLinks* links = nullptr;  // required
  core::metrics::Metrics* metrics = nullptr;        // may be null
};

// Registers GET /r/{token} (no authentication: the token is the key;
// DESIGN.md "The interface"; HEAD is served by the same handler):
//   - a token without the syntax of one ([A-Za-z0-9_-]{22}) -> 404 before
//     the store is touched;
//   - unknown, expired, or its message's content erased -> 404;
//   - otherwise the click is counted and the answer is 302 with Location:
//     the link's stored target (never anything from the request, so no
//     open redirect), Cache-Control: no-store (every click reaches us) and
//     Referrer-Policy: no-referrer;
//   - the store unavailable or failing -> 503 (Retry-After), logged as
//     link.store_failed without the token or the target.
// 404 and 503 answer with a small fixed HTML page: no personal data, no
// echo of the token. Each answer is counted in cartrelay_link_clicks_total
// {outcome = redirected | not_found | unavailable}.
void addLinkRoutes(Router& router, LinkDeps deps);

}  // namespace cartrelay::app::http
