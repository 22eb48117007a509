#include "app/http/message_handlers.h"

#include <charconv>
#include <memory>

#include <nlohmann/json.hpp>

#include "app/http/admin_handlers.h"
#include "app/message_sending.h"
#include "compliance/outbox_delivery.h"
#include "compliance/outbox_view.h"
#include "compliance/reason.h"
#include "core/store/database.h"

namespace cartrelay::app::http {
namespace {

using nlohmann::json;

json orNull(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

json entryJson(const compliance::OutboxEntry& e) {
  return {{"id", e.id},
          {"shop_id", e.shop_id},
          {"subject", e.subject_ref},
          {"created_at", core::formatIso8601(e.created_at_ms)},
          {"journey", e.journey},
          {"step", e.step},
          {"template", e.template_name},
          {"purpose_class", e.purpose_class},
          {"decision", e.decision},
          {"reason", orNull(e.reason)},
          {"state", e.state},
          {"attempts", e.attempts},
          {"error_code", e.error_code == 0 ? json(nullptr) : json(e.error_code)},
          {"error_reason", orNull(e.error_reason)},
          {"wamid", orNull(e.wamid)},
          {"pricing_category", orNull(e.pricing_category)},
          {"pricing_type", orNull(e.pricing_type)},
          {"clicks", e.clicks}};
}

std::optional<std::int64_t> number(std::optional<std::string_view> text) {
  if (!text) return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < 0) return std::nullopt;
  return value;
}

HttpResponse send(const MessageDeps& deps, const HttpRequest& request) {
  json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) {
    return HttpResponse::error(400, "INVALID_ARGUMENT", "the body must be a JSON object");
  }
  auto text = [&body](const char* key) {
    auto it = body.find(key);
    return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  std::string shop = text("shop");
  if (shop.empty() && deps.shop_ids.size() == 1) shop = deps.shop_ids.begin()->first;
  auto shop_id = deps.shop_ids.find(shop);
  if (shop_id == deps.shop_ids.end()) {
    return HttpResponse::error(400, "INVALID_ARGUMENT",
                               "\"shop\" must name a configured shop in the database");
  }
  compliance::SendRequest r;
  r.shop_id = shop_id->second;
  r.phone = text("to");
  r.template_name = text("template");
  if (r.phone.empty() || r.template_name.empty()) {
    return HttpResponse::error(400, "INVALID_ARGUMENT", "\"to\" and \"template\" are required");
  }
  if (body.contains("params")) {
    if (!body["params"].is_object()) {
      return HttpResponse::error(400, "INVALID_ARGUMENT", "\"params\" must be a JSON object");
    }
    r.params = body["params"];
  }
  auto outcome = deps.sending->gate().submit(r);
  if (!outcome.isOk()) return HttpResponse::fromStatus(outcome.status());
  if (outcome->decision.outcome == compliance::Decision::Outcome::kAllow) {
    deps.sending->dispatcher().wake();
  }
  json out = {{"decision", compliance::toString(outcome->decision.outcome)},
              {"reason", outcome->decision.reason
                             ? json(std::string(compliance::toString(*outcome->decision.reason)))
                             : json(nullptr)},
              {"outbox_id", outcome->outbox_id}};
  if (outcome->decision.outcome == compliance::Decision::Outcome::kDefer) {
    out["retry_at"] = core::formatIso8601(outcome->decision.retry_at);
  }
  return HttpResponse::json(202, out.dump());
}

HttpResponse outbox(const MessageDeps& deps, const HttpRequest& request) {
  compliance::OutboxFilter filter;
  if (auto state = request.queryParam("state")) {
    auto parsed = compliance::parseDeliveryState(*state);
    if (!parsed) return HttpResponse::error(400, "INVALID_ARGUMENT", "unknown \"state\"");
    filter.state = std::string(compliance::toString(*parsed));
  }
  auto after = number(request.queryParam("after"));
  auto limit = number(request.queryParam("limit"));
  if ((request.queryParam("after") && !after) ||
      (request.queryParam("limit") && (!limit || *limit < 1 || *limit > 10000))) {
    return HttpResponse::error(400, "INVALID_ARGUMENT",
                               "\"after\" must be an id and \"limit\" 1..10000");
  }
  filter.after_id = after.value_or(0);
  filter.limit = static_cast<int>(limit.value_or(100));
  auto entries = deps.database->querySession(
      [&](soci::session& s) { return compliance::listOutbox(s, filter); });
  if (!entries.isOk()) return HttpResponse::fromStatus(entries.status());
  json out = json::array();
  for (const auto& e : *entries) out.push_back(entryJson(e));
  return HttpResponse::json(200, out.dump());
}

}  // namespace

void addMessageRoutes(Router& router, MessageDeps deps) {
  auto shared = std::make_shared<const MessageDeps>(std::move(deps));
  router.add({"POST"}, "/api/v1/send", [shared](const HttpRequest& request) {
    if (auto refused = refuseUnlessAdmin(request, shared->admin_token)) return *refused;
    return send(*shared, request);
  });
  router.add({"GET"}, "/api/v1/outbox", [shared](const HttpRequest& request) {
    if (auto refused = refuseUnlessAdmin(request, shared->admin_token)) return *refused;
    return outbox(*shared, request);
  });
}

}  // namespace cartrelay::app::http
