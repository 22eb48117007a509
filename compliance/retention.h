#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compliance/audit_log.h"
#include "core/util/clock.h"
#include "core/util/result.h"

namespace cartrelay::core::store {
class Database;
}  // namespace cartrelay::core::store

namespace cartrelay::compliance {

// How long each class of personal data is kept ([compliance] retention.*;
// compliance-rules.md (d)). Milliseconds.
struct RetentionPolicy {
  std::int64_t carts_ms = 0;               // carts that never became an order, after last activity
  std::int64_t message_content_ms = 0;     // outbox recipient and template parameters
  std::int64_t commercial_records_ms = 0;  // outbox rows of COMMERCIAL messages
  std::int64_t transactional_records_ms = 0;  // outbox rows of TRANSACTIONAL messages
  std::int64_t consent_proof_ms = 0;          // consent history after a withdrawal
  std::int64_t orders_ms = 0;                 // order copies, after placement
  std::int64_t inactive_customers_ms = 0;     // profiles without activity: crypto-erased
};

// The periodic destruction job (KVKK deletion by-law Art. 11: at most every
// 6 months; cartrelay runs it daily and on `cartrelay retention run`).
//
// Each class is destroyed in its own transaction together with a
// `retention.destroyed` audit record of what went (class, rows, cut-off;
// no personal data), so the destruction records the by-law requires are in
// the tamper-evident chain and nothing of the chain itself is touched. A
// dry run counts what would go and changes nothing; it counts each class
// against the store as it is, so the tracked links of messages whose
// content or record would go in the same run are not in its counts.
//
// Classes: abandoned carts (deleted with their items); message content
// (recipient and parameters cleared, the send record stays); commercial and
// transactional send records (deleted); the targets of tracked links that
// expired or whose message lost its content (cleared; the click counts stay
// with the send record) and the links of deleted send records (deleted);
// consent histories whose latest event is a withdrawal older than
// consent_proof (deleted; the suppression of erased subjects is separate
// and stays); orders (deleted with their items); inactive customers (data
// key destroyed: the profile can never be read again). The inbox's raw
// bodies have their own retention in the inbox processor.
//
// Ownership: db, clock and audit must outlive the job. Thread-safety:
// immutable; concurrent runs are safe (each statement is idempotent).
class RetentionJob {
 public:
  RetentionJob(core::store::Database& db, const core::Clock& clock, const AuditLog& audit,
               RetentionPolicy policy)
      : db_(db), clock_(clock), audit_(audit), policy_(policy) {}

  struct ClassResult {
    std::string data_class;  // "carts", "message_content", ...
    std::int64_t rows = 0;   // destroyed (or, in a dry run, that would be)
    core::EpochMillis cutoff_ms = 0;
  };

  // Runs every class; stops at the first store error (what was done before
  // it stays done and audited).
  core::Result<std::vector<ClassResult>> run(bool dry_run, std::string_view actor) const;

 private:
  core::store::Database& db_;
  const core::Clock& clock_;
  const AuditLog& audit_;
  RetentionPolicy policy_;
};

}  // namespace cartrelay::compliance
