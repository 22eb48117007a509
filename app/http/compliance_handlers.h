#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "app/http/router.h"
#include "compliance/consent_ledger.h"
#include "compliance/subject_rights.h"

namespace cartrelay::core::store {
class Database;
}  // namespace cartrelay::core::store

namespace cartrelay::app::http {

// What the compliance admin routes use. References must outlive the server.
struct ComplianceDeps {
  std::string admin_token;
  core::store::Database* database = nullptr;
  const core::KeyRing* keys = nullptr;
  const core::Clock* clock = nullptr;
  const compliance::ConsentLedger* ledger = nullptr;
  const compliance::SubjectRights* rights = nullptr;
  struct Shop {
    std::int64_t id = 0;
    std::string country;  // default region of phone numbers
  };
  std::map<std::string, Shop, std::less<>> shops;  // by [shop.NAME]
  std::string anchor_file;                         // compliance.audit_anchor_file
};

// The admin API twins of the consent, subject and audit commands (same
// checks, same audit records, actor "admin-api"). Personal data travels only
// in request and response bodies, never in the URL, so it cannot end up in
// a proxy's access log. Bodies are JSON objects; "shop" may be left out
// when exactly one shop is configured.
//   POST /api/v1/consent/show     {"phone", "shop"} -> events and current state
//   POST /api/v1/consent          {"phone", "shop", "status": "ONAY"|"RET", "source",
//                                  "purposes", "kvkk_notice_version", "verified",
//                                  "name_on_record", "event_at" (ISO 8601 UTC),
//                                  "withdrawal_channel", "block_all"}
//                                 -> 201 {"consent_event_id", "audit_seq"}, or 409
//                                  {"error": "STALE_CONSENT_IMPORT" | ...} when refused
//   POST /api/v1/subjects/export  {"phone" | "email", "shop"} -> the export document
//   POST /api/v1/subjects/erase   {"phone" | "email", "shop"} -> what was erased
//   GET  /api/v1/audit/verify     -> the verification report (outcome, first_bad_seq, ...)
// Errors: 400 for a body that is not what the route needs (the message names
// the field, never its value), 404 when nothing is held about the person,
// 503 when the store is unavailable.
void addComplianceRoutes(Router& router, ComplianceDeps deps);

}  // namespace cartrelay::app::http
