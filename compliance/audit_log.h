#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "compliance/audit_record.h"
#include "core/util/clock.h"
#include "core/util/result.h"

namespace soci {
class session;
}  // namespace soci

namespace cartrelay::core::store {
class Database;
}  // namespace cartrelay::core::store

namespace cartrelay::compliance {

// What happened, before it becomes a chained record.
struct AuditEvent {
  std::string kind;         // "gate.decision", "consent.recorded", "config.loaded", ...
  std::string actor;        // "daemon", "cli", "admin-api", "shop:<name>"
  std::string subject_ref;  // keyed hash (64 hex) of the person concerned, "" for none
  nlohmann::json payload = nlohmann::json::object();  // ids, codes, hashes; never raw PII
};

// Appends to the tamper-evident audit chain (compliance-rules.md (c), rules
// 40-43). Each record gets the next sequence number, the time (never earlier
// than the previous record's, so a clock stepping back cannot make the chain
// look reordered), the previous record's hash and its own entry hash.
//
// append() runs inside the caller's transaction, so the record commits or
// rolls back together with what it records (a gate decision and its outbox
// row, a consent event and its ledger row). It locks the chain's head for
// the rest of that transaction: keep such transactions short. Errors:
// kInvalidArgument for an event that breaks the record's rules (empty kind
// or actor, over 255 bytes, subject_ref not a keyed hash, payload not a
// canonical-JSON object or over 60 KiB); kUnavailable / kInternal from the
// store. Callers that must not act without an audit record treat any error
// as AUDIT_UNAVAILABLE.
//
// Ownership: `clock` must outlive the object. Thread-safety: immutable;
// share between threads, each with its own session.
class AuditLog {
 public:
  explicit AuditLog(const core::Clock& clock) : clock_(clock) {}
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Appends inside the caller's transaction; returns the stored record.
  core::Result<AuditRecord> append(soci::session& s, const AuditEvent& event) const;

  // Appends in a transaction of its own, for events that record nothing
  // else in the database (config loaded, a command run).
  core::Result<AuditRecord> appendNow(core::store::Database& db, const AuditEvent& event) const;

 private:
  const core::Clock& clock_;
};

}  // namespace cartrelay::compliance
