#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/http/http_request.h"
#include "app/http/http_response.h"
#include "app/http/router.h"
#include "app/shop_pollers.h"

namespace cartrelay::app::http {

// What the admin API reads. Pointers must outlive the server.
struct AdminDeps {
  // daemon.admin_token; empty disables the admin API (every call 403).
  std::string admin_token;
  // Null when no shop polls.
  ShopPollers* pollers = nullptr;
};

// Registers the admin API (DESIGN.md: /api/v1/..., `Authorization: Bearer
// <daemon.admin_token>`, compared in constant time; 401 without or with a
// wrong token):
//   GET  /api/v1/shops              every shop's polling and webhook
//                                   subscription health (ShopPollStatus)
//   POST /api/v1/shops/{shop}/poll  start a reconciliation round now
//                                   (202; 404 for an unknown or disabled shop)
void addAdminRoutes(Router& router, AdminDeps deps);

// The admin API's one check: nullopt when the request carries
// `Authorization: Bearer <token>` (constant-time compare), else the 401/403
// to answer. Every /api/v1 handler starts with it.
std::optional<HttpResponse> refuseUnlessAdmin(const HttpRequest& request, const std::string& token);

}  // namespace cartrelay::app::http
