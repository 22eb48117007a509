#include "compliance/audit_log.h"

#include <algorithm>

#include "compliance/audit_store.h"
#include "core/store/database.h"

namespace cartrelay::compliance {
namespace {

using core::Result;
using core::Status;

constexpr std::size_t kMaxNameBytes = 255;
// payload is a TEXT column (64 KiB on MariaDB); leave room for nothing else.
constexpr std::size_t kMaxPayloadBytes = 60 * 1024;

bool isKeyedHash(const std::string& text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Status checkName(const std::string& value, std::string_view field) {
  if (value.empty() || value.size() > kMaxNameBytes) {
    return Status::invalidArgument("audit event: " + std::string(field) + " must be 1.." +
                                   std::to_string(kMaxNameBytes) + " bytes");
  }
  return Status::ok();
}

}  // namespace

Result<AuditRecord> AuditLog::append(soci::session& s, const AuditEvent& event) const {
  CARTRELAY_RETURN_IF_ERROR(checkName(event.kind, "kind"));
  CARTRELAY_RETURN_IF_ERROR(checkName(event.actor, "actor"));
  if (!event.subject_ref.empty() && !isKeyedHash(event.subject_ref)) {
    return Status::invalidArgument("audit event: subject_ref must be a keyed hash");
  }
  CARTRELAY_ASSIGN_OR_RETURN(std::string payload, canonicalJson(event.payload));
  if (payload.size() > kMaxPayloadBytes) {
    return Status::invalidArgument("audit event: payload over 60 KiB");
  }
  CARTRELAY_ASSIGN_OR_RETURN(audit_store::Head head, audit_store::lockHead(s));
  AuditRecord record;
  record.seq = head.seq + 1;
  record.ts_ms = std::max(clock_.nowMillis(), head.ts_ms);
  record.kind = event.kind;
  record.actor = event.actor;
  record.subject_ref = event.subject_ref;
  record.payload = std::move(payload);
  record.prev_hash = head.hash;
  CARTRELAY_RETURN_IF_ERROR(audit_store::insert(s, record, auditEntryHash(record)));
  return record;
}

Result<AuditRecord> AuditLog::appendNow(core::store::Database& db, const AuditEvent& event) const {
  return db.queryTransaction([&](soci::session& s) { return append(s, event); });
}

}  // namespace cartrelay::compliance
