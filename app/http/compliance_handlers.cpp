#include "app/http/compliance_handlers.h"

#include <memory>
#include <optional>
#include <variant>

#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "app/http/admin_handlers.h"
#include "compliance/audit_verifier.h"
#include "core/store/database.h"
#include "core/util/phone.h"

namespace cartrelay::app::http {
namespace {

using compliance::ConsentEvent;
using compliance::ConsentState;

constexpr const char* kActor = "admin-api";

// A request body's fields, checked once.
struct Body {
  nlohmann::json json;
  const ComplianceDeps::Shop* shop = nullptr;
};

std::string text(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool flag(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

// Parses the body and finds its shop; the error response otherwise.
std::variant<Body, HttpResponse> parse(const HttpRequest& request, const ComplianceDeps& deps) {
  Body body;
  body.json = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (!body.json.is_object()) {
    return HttpResponse::error(400, "INVALID_ARGUMENT", "the body must be a JSON object");
  }
  std::string shop = text(body.json, "shop");
  if (shop.empty() && deps.shops.size() == 1) shop = deps.shops.begin()->first;
  auto it = deps.shops.find(shop);
  if (it == deps.shops.end()) {
    return HttpResponse::error(400, "INVALID_ARGUMENT",
                               "\"shop\" must name a configured shop in the database");
  }
  body.shop = &it->second;
  return body;
}

// The body's phone as E.164, or nullopt (never echoed back).
std::optional<std::string> e164(const Body& body) {
  core::NormalisedPhone phone = core::normalisePhone(text(body.json, "phone"), body.shop->country);
  if (!phone.valid) return std::nullopt;
  return phone.value;
}

HttpResponse badPhone() {
  return HttpResponse::error(400, "INVALID_ARGUMENT",
                             "\"phone\" is not a valid phone number for the shop's country");
}

nlohmann::json eventJson(const ConsentEvent& e) {
  return {{"id", e.id},
          {"status", compliance::toString(e.status)},
          {"event_type", e.event_type},
          {"source", e.source},
          {"capture_point", e.capture_point},
          {"purpose_scope", compliance::formatPurposeScope(e.purpose_scope)},
          {"kvkk_notice_version", e.kvkk_notice_version},
          {"verified", e.verified},
          {"name_on_record", e.complete},
          {"evidence_only", e.evidence_only},
          {"block_all", e.block_all},
          {"withdrawal_channel", e.withdrawal_channel},
          {"event_at", core::formatIso8601(e.event_at)},
          {"audit_seq", e.audit_seq}};
}

const char* stateName(ConsentState::Status status) {
  switch (status) {
    case ConsentState::Status::kOnay:
      return "ONAY";
    case ConsentState::Status::kRet:
      return "RET";
    case ConsentState::Status::kNone:
      break;
  }
  return "none";
}

HttpResponse consentShow(const ComplianceDeps& deps, const Body& body) {
  auto phone = e164(body);
  if (!phone) return badPhone();
  const std::string subject = deps.keys->hasher().hash("phone", *phone);
  auto events = deps.database->querySession(
      [&](soci::session& s) { return deps.ledger->history(s, body.shop->id, subject); });
  if (!events.isOk()) return HttpResponse::fromStatus(events.status());
  nlohmann::json list = nlohmann::json::array();
  for (const ConsentEvent& e : *events) list.push_back(eventJson(e));
  ConsentState state = compliance::foldConsent(*events);
  return HttpResponse::json(200, nlohmann::json{{"subject_ref", subject},
                                                {"events", list},
                                                {"current",
                                                 {{"status", stateName(state.status)},
                                                  {"event_id", state.event_id},
                                                  {"block_all", state.block_all}}}}
                                     .dump());
}

HttpResponse consentRecord(const ComplianceDeps& deps, const Body& body) {
  auto phone = e164(body);
  if (!phone) return badPhone();
  auto status = compliance::parseConsentStatus(text(body.json, "status"));
  if (!status) return HttpResponse::error(400, "INVALID_ARGUMENT", "\"status\" is ONAY or RET");
  auto scope = compliance::parsePurposeScope(text(body.json, "purposes"));
  if (!scope.isOk()) return HttpResponse::error(400, "INVALID_ARGUMENT", scope.status().message());
  ConsentEvent e;
  e.subject_ref = deps.keys->hasher().hash("phone", *phone);
  e.status = *status;
  e.event_type = *status == compliance::ConsentStatus::kOnay ? "GRANT" : "WITHDRAW";
  e.source = text(body.json, "source");
  if (e.source.empty() && *status == compliance::ConsentStatus::kRet) e.source = "HS_KARAR";
  e.capture_point = "admin_api";
  e.purpose_scope = *scope;
  e.kvkk_notice_version = text(body.json, "kvkk_notice_version");
  e.verified = flag(body.json, "verified");
  e.complete = flag(body.json, "name_on_record");
  e.block_all = flag(body.json, "block_all");
  e.withdrawal_channel = text(body.json, "withdrawal_channel");
  if (*status == compliance::ConsentStatus::kRet && e.withdrawal_channel.empty()) {
    e.withdrawal_channel = "admin_api";
  }
  const std::string at = text(body.json, "event_at");
  if (at.empty()) {
    e.event_at = deps.clock->nowMillis();
  } else {
    auto parsed = core::parseIso8601(at);
    if (!parsed.isOk() || at.back() != 'Z') {
      return HttpResponse::error(400, "INVALID_ARGUMENT", "\"event_at\" must be ISO 8601 UTC");
    }
    e.event_at = *parsed;
  }
  auto outcome = deps.database->queryTransaction([&](soci::session& s) {
    return deps.ledger->record(s, body.shop->id, e, *phone, nlohmann::json::object(), kActor);
  });
  if (!outcome.isOk()) return HttpResponse::fromStatus(outcome.status());
  if (!outcome->recorded) {
    return HttpResponse::json(
        409,
        nlohmann::json{{"error", outcome->rejected}, {"audit_seq", outcome->audit_seq}}.dump());
  }
  return HttpResponse::json(201, nlohmann::json{{"consent_event_id", outcome->recorded->id},
                                                {"audit_seq", outcome->audit_seq}}
                                     .dump());
}

// The subject a body names: its phone (with the shop's country) or e-mail.
std::variant<compliance::SubjectQuery, HttpResponse> subjectOf(const Body& body) {
  compliance::SubjectQuery q;
  const bool has_phone = !text(body.json, "phone").empty();
  const bool has_email = !text(body.json, "email").empty();
  if (has_phone == has_email) {
    return HttpResponse::error(400, "INVALID_ARGUMENT", "give exactly one of \"phone\", \"email\"");
  }
  if (has_phone) {
    auto phone = e164(body);
    if (!phone) return badPhone();
    q.phone = *phone;
  } else {
    q.email = text(body.json, "email");
  }
  return q;
}

}  // namespace

void addComplianceRoutes(Router& router, ComplianceDeps deps) {
  auto shared = std::make_shared<const ComplianceDeps>(std::move(deps));
  // Every body route: the admin check, then the body, then the work.
  auto withBody = [shared](HttpResponse (*work)(const ComplianceDeps&, const Body&)) {
    return [shared, work](const HttpRequest& request) {
      if (auto refused = refuseUnlessAdmin(request, shared->admin_token)) return *refused;
      auto body = parse(request, *shared);
      if (auto* error = std::get_if<HttpResponse>(&body)) return *error;
      return work(*shared, std::get<Body>(body));
    };
  };
  router.add({"POST"}, "/api/v1/consent/show", withBody(&consentShow));
  router.add({"POST"}, "/api/v1/consent", withBody(&consentRecord));
  router.add(
      {"POST"}, "/api/v1/subjects/export", withBody([](const ComplianceDeps& d, const Body& body) {
        auto query = subjectOf(body);
        if (auto* error = std::get_if<HttpResponse>(&query)) return *error;
        auto exported = d.rights->exportData(std::get<compliance::SubjectQuery>(query), kActor);
        if (!exported.isOk()) return HttpResponse::fromStatus(exported.status());
        return HttpResponse::json(200, exported->dump());
      }));
  router.add(
      {"POST"}, "/api/v1/subjects/erase", withBody([](const ComplianceDeps& d, const Body& body) {
        auto query = subjectOf(body);
        if (auto* error = std::get_if<HttpResponse>(&query)) return *error;
        auto erased = d.rights->erase(std::get<compliance::SubjectQuery>(query), kActor);
        if (!erased.isOk()) return HttpResponse::fromStatus(erased.status());
        return HttpResponse::json(200, nlohmann::json{{"customers", erased->customers},
                                                      {"consent_events", erased->consent_events},
                                                      {"outbox_rows", erased->outbox_rows},
                                                      {"inbox_rows", erased->inbox_rows}}
                                           .dump());
      }));
  router.add({"GET"}, "/api/v1/audit/verify", [shared](const HttpRequest& request) {
    if (auto refused = refuseUnlessAdmin(request, shared->admin_token)) return *refused;
    auto report = compliance::verifyAuditChain(*shared->database, shared->anchor_file);
    if (!report.isOk()) return HttpResponse::fromStatus(report.status());
    const char* outcome =
        report->outcome == compliance::AuditVerifyReport::Outcome::kIntact     ? "INTACT"
        : report->outcome == compliance::AuditVerifyReport::Outcome::kTampered ? "TAMPERED"
                                                                               : "UNVERIFIABLE";
    nlohmann::json out = {{"outcome", outcome},
                          {"records", report->records},
                          {"checkpoints", report->checkpoints},
                          {"anchors", report->anchors},
                          {"warnings", report->warnings}};
    if (!report->reason.empty()) out["reason"] = report->reason;
    if (report->first_bad_seq != 0) out["first_bad_seq"] = report->first_bad_seq;
    return HttpResponse::json(200, out.dump());
  });
}

}  // namespace cartrelay::app::http
