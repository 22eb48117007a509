#pragma once

#include <functional>

#include "app/http/router.h"
#include "core/util/status.h"

namespace cartrelay::core::metrics {
class Metrics;
}  // namespace cartrelay::core::metrics

namespace cartrelay::app::http {

// What the operational endpoints need from the composition root.
struct OpsDeps {
  // Rendered by GET /metrics. Must outlive the server. When null, /metrics is
  // not registered.
  core::metrics::Metrics* metrics = nullptr;
  // OK when the store is reachable and nothing is halted; otherwise a Status
  // whose message names the failing component ("store: connection refused").
  // Called on every GET /readyz from server threads, so it must be
  // thread-safe and fast (return a cached probe result, never do I/O that can
  // hang). Empty means "always ready".
  std::function<core::Status()> readiness;
};

// Registers:
//   GET /healthz  200 "ok\n", always: the process answers HTTP (no store access);
//   GET /readyz   200 "ok\n" when readiness() is OK, else 503 with Retry-After and
//                 {"status":"not_ready","error":"<CODE>","message":"<component: reason>"};
//                 a throwing probe counts as not ready;
//   GET /metrics  Prometheus text, Content-Type "text/plain; version=0.0.4".
// HEAD works on all three (served by the GET handlers).
void addOpsRoutes(Router& router, OpsDeps deps);

}  // namespace cartrelay::app::http
