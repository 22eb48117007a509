#include "app/http/ops_handlers.h"

#include <exception>
#include <memory>

#include <nlohmann/json.hpp>

#include "core/metrics/metrics.h"

namespace cartrelay::app::http {
namespace {

constexpr std::string_view kPrometheusTextType = "text/plain; version=0.0.4";

HttpResponse notReady(const core::Status& status) {
  nlohmann::json body = {{"status", "not_ready"},
                         {"error", core::toString(status.code())},
                         {"message", status.message()}};
  HttpResponse r =
      HttpResponse::json(503, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  r.headers.set("Retry-After", std::to_string(kRetryAfterSeconds));
  r.log_detail = status.toString();
  return r;
}

}  // namespace

void addOpsRoutes(Router& router, OpsDeps deps) {
  router.add({"GET"}, "/healthz",
             [](const HttpRequest&) { return HttpResponse::text(200, "ok\n"); });

  auto readiness = std::make_shared<const std::function<core::Status()>>(std::move(deps.readiness));
  router.add({"GET"}, "/readyz", [readiness](const HttpRequest&) {
    if (!*readiness) return HttpResponse::text(200, "ok\n");
    core::Status status;
    try {
      status = (*readiness)();
    } catch (const std::exception&) {
      status = core::Status::internal("readiness probe threw");
    } catch (...) {
      status = core::Status::internal("readiness probe threw");
    }
    if (status.isOk()) return HttpResponse::text(200, "ok\n");
    if (status.message().empty()) status = core::Status::unavailable("not ready");
    return notReady(status);
  });

  if (deps.metrics != nullptr) {
    core::metrics::Metrics* metrics = deps.metrics;
    router.add({"GET"}, "/metrics", [metrics](const HttpRequest&) {
      HttpResponse r = HttpResponse::text(200, metrics->render());
      r.content_type = std::string(kPrometheusTextType);
      return r;
    });
  }
}

}  // namespace cartrelay::app::http
