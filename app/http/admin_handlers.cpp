#include "app/http/admin_handlers.h"

#include <memory>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/util/crypto.h"
#include "core/util/log.h"

namespace cartrelay::app::http {
namespace {

namespace log = core::log;

}  // namespace

std::optional<HttpResponse> refuseUnlessAdmin(const HttpRequest& request,
                                              const std::string& token) {
  if (token.empty()) {
    return HttpResponse::error(403, "FORBIDDEN", "admin API disabled: set daemon.admin_token");
  }
  constexpr std::string_view kBearer = "Bearer ";
  auto header = request.header("Authorization");
  if (!header || header->substr(0, kBearer.size()) != kBearer ||
      !core::crypto::constantTimeEquals(header->substr(kBearer.size()), token)) {
    log::warn("admin.unauthorized").kv("request_id", request.request_id).kv("route", request.route);
    HttpResponse response = HttpResponse::error(401, "UNAUTHENTICATED", "bearer token required");
    response.headers.set("WWW-Authenticate", "Bearer");
    return response;
  }
  return std::nullopt;
}

void addAdminRoutes(Router& router, AdminDeps deps) {
  auto shared = std::make_shared<const AdminDeps>(std::move(deps));

  router.add({"GET"}, "/api/v1/shops", [shared](const HttpRequest& request) {
    if (auto refused = refuseUnlessAdmin(request, shared->admin_token)) return *refused;
    nlohmann::json shops = nlohmann::json::array();
    if (shared->pollers != nullptr) shops = toJson(shared->pollers->snapshot());
    return HttpResponse::json(200, nlohmann::json{{"shops", shops}}.dump());
  });

  router.add({"POST"}, "/api/v1/shops/{shop}/poll", [shared](const HttpRequest& request) {
    if (auto refused = refuseUnlessAdmin(request, shared->admin_token)) return *refused;
    const std::string shop(request.pathParam("shop"));
    if (shared->pollers == nullptr || !shared->pollers->pollNow(shop)) {
      return HttpResponse::error(404, "NOT_FOUND", "no polling shop of that name");
    }
    return HttpResponse::json(202, R"({"status":"polling"})");
  });
}

}  // namespace cartrelay::app::http
