#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "compliance/audit_log.h"
#include "compliance/consent_state.h"
#include "core/util/clock.h"
#include "core/util/key_ring.h"
#include "core/util/result.h"

namespace soci {
class session;
}  // namespace soci

namespace cartrelay::compliance {

// The consent ledger (compliance-rules.md (b), rules 13, 26, 28, 40): one
// append-only list of consent events per (shop, subject), where the subject
// is the keyed hash of the E.164 phone. Every input — the CLI, CSV imports,
// platform observations, WhatsApp opt-outs, İYS — goes through record(), so
// every event is checked the same way and every event (and every rejection)
// is in the audit chain, in the same transaction as the row.
//
// At rest: the phone (needed later for İYS) and the evidence (IP, user
// agent, form, ...) are encrypted under a fresh data key per event; the
// other columns hold codes, versions and hashes only. Erasure clears the
// key and the encrypted cells and keeps the minimal proof.
//
// Every method takes the soci::session of a Database callback, inside a
// transaction (record appends to the audit chain) and never throws.
// Ownership: keys, clock and audit must outlive the ledger. Thread-safety:
// immutable; share between threads, each with its own session.
class ConsentLedger {
 public:
  ConsentLedger(const core::KeyRing& keys, const core::Clock& clock, const AuditLog& audit)
      : keys_(keys), clock_(clock), audit_(audit) {}
  ConsentLedger(const ConsentLedger&) = delete;
  ConsentLedger& operator=(const ConsentLedger&) = delete;

  // What record() did: stored the event (with its id, received_at and
  // audit_seq filled in), or refused it with an ingest code that is also in
  // the audit chain: STALE_CONSENT_IMPORT (an ONAY dated before the last
  // RET, rule 28) or SUBJECT_ERASED (an imported or observed ONAY for an
  // erased person, rule 46; only their own GRANT brings them back, and
  // lifts the suppression).
  struct Outcome {
    std::optional<ConsentEvent> recorded;
    std::string rejected;  // "" when recorded
    std::int64_t audit_seq = 0;
  };

  // Records `event` for shop `shop_id`. `phone_e164` is the subject's phone
  // (stored encrypted; "" when unknown), `evidence` a JSON object stored
  // encrypted (may be empty), `actor` who is recording ("cli", "daemon",
  // "admin-api", "shop:<name>"). id, received_at and audit_seq are assigned.
  // kInvalidArgument (message names the field, never a value) for an event
  // that breaks the field rules: subject_ref not a keyed hash, unknown
  // event_type, source not an İYS source code, event_at missing or more than
  // five minutes in the future, an evidence-only RET.
  core::Result<Outcome> record(soci::session& s, std::int64_t shop_id, ConsentEvent event,
                               std::string_view phone_e164, const nlohmann::json& evidence,
                               std::string_view actor) const;

  // Refuses an input before it became an event (e.g. CONSENT_NOT_AFFIRMATIVE
  // for a pre-ticked box, rule 13) and audits the refusal. Returns its seq.
  core::Result<std::int64_t> reject(soci::session& s, std::int64_t shop_id,
                                    const std::string& subject_ref, std::string_view code,
                                    std::string_view actor) const;

  // Every event of the subject in the shop, oldest first (by id).
  core::Result<std::vector<ConsentEvent>> history(soci::session& s, std::int64_t shop_id,
                                                  const std::string& subject_ref) const;

  // foldConsent(history(...)).
  core::Result<ConsentState> current(soci::session& s, std::int64_t shop_id,
                                     const std::string& subject_ref) const;

 private:
  const core::KeyRing& keys_;
  const core::Clock& clock_;
  const AuditLog& audit_;
};

// The event types of compliance-rules.md (b) plus OBSERVED (a platform's
// consent field, compliance/consent_observations.h).
bool isConsentEventType(std::string_view text);

// İYS source codes (HS_WEB, HS_MESAJ, ...; (b) `source`) and the İYS-side
// sources of changes pulled from İYS (IYS_*).
bool isIysSource(std::string_view text);

// "abandoned_cart,campaign" <-> the set; "" is the empty set (all purposes).
// kInvalidArgument names the unknown purpose.
core::Result<std::set<Purpose>> parsePurposeScope(std::string_view text);
std::string formatPurposeScope(const std::set<Purpose>& scope);

}  // namespace cartrelay::compliance
