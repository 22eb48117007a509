#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "compliance/audit_log.h"
#include "compliance/consent_ledger.h"
#include "core/util/clock.h"
#include "core/util/key_ring.h"
#include "core/util/result.h"

namespace cartrelay::core::store {
class Database;
}  // namespace cartrelay::core::store

namespace cartrelay::compliance {

// Who a data-subject request is about: exactly one of phone (E.164), e-mail,
// a platform customer id (with its shop) or a stored customer id (a
// platform's own request names the customer it concerns).
struct SubjectQuery {
  std::string phone;  // E.164, already normalised
  std::string email;
  std::string platform_customer_id;
  std::optional<std::int64_t> shop_id;      // required with platform_customer_id
  std::optional<std::int64_t> customer_id;  // customers.id
};

// Access and erasure (KVKK Art. 11, GDPR Art. 15, 17 and 20;
// compliance-rules.md rules 44-46).
//
// exportData() gathers everything held about the person across shops as
// one JSON document: the customer profiles (decrypted), carts, orders,
// consent events and the metadata of messages decided for them (never the
// content of other people's data). The export itself is audited
// (subject.exported).
//
// erase() makes the person's data unreadable and gone, in one transaction:
// the customers' and their carts' data keys are destroyed (their
// ciphertexts, here and in every later backup, can no longer be decrypted),
// the encrypted recipient and evidence of their consent events and the
// encrypted recipient and parameters of their outbox rows are cleared (and
// those messages' tracked links deleted, so each answers 404), and
// the raw webhook bodies that concerned them are destroyed (the rows stay,
// so a redelivery is still a duplicate), and their WhatsApp engagement
// (whatsapp_contacts) is deleted. What stays is
// what the law requires or allows (rule 46): a suppression entry per phone
// hash, so they are never messaged again, and the minimal consent proof
// (codes, dates, hashes). A subject.erased audit record holds the counts.
// The audit chain is untouched and still verifies.
//
// Ownership: every reference must outlive the object. Thread-safety:
// immutable; share between threads.
class SubjectRights {
 public:
  SubjectRights(core::store::Database& db, const core::KeyRing& keys, const core::Clock& clock,
                const AuditLog& audit, const ConsentLedger& ledger)
      : db_(db), keys_(keys), clock_(clock), audit_(audit), ledger_(ledger) {}

  // kNotFound when nothing at all is held about the person.
  core::Result<nlohmann::json> exportData(const SubjectQuery& query, std::string_view actor) const;

  struct Erasure {
    int customers = 0;
    int consent_events = 0;
    int outbox_rows = 0;
    int tracked_links = 0;  // deleted with their targets and click counts
    int inbox_rows = 0;
    std::vector<std::string> subject_refs;  // suppressed phone hashes
  };
  // kNotFound when nothing is held (nothing to erase, nothing audited).
  core::Result<Erasure> erase(const SubjectQuery& query, std::string_view actor) const;

 private:
  core::store::Database& db_;
  const core::KeyRing& keys_;
  const core::Clock& clock_;
  const AuditLog& audit_;
  const ConsentLedger& ledger_;
};

}  // namespace cartrelay::compliance
