#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/model/inbox_event.h"
#include "core/util/clock.h"
#include "core/util/key_ring.h"
#include "core/util/result.h"

namespace soci {
class session;
}  // namespace soci

namespace cartrelay::core::store {

// The `inbox` table: every webhook delivery and polled change, stored
// durably before the HTTP answer (DESIGN.md "Delivery semantics") and then
// processed at least once.
//
// The raw body may contain personal data, so it is stored LZ4-compressed
// and encrypted under a per-row data key; retention can destroy the key to
// make old bodies unreadable. The ciphertext's associated data pins it to
// its row through the unique (source, delivery_id), so sealing needs no row
// id and can run before the insert, on the caller's thread (rows written
// before schema 3, uncompressed and bound to "inbox.body:<id>", still read). Source, platform,
// topic, delivery id and headers stay plain and must be valid UTF-8; headers must not contain
// secrets (signatures are fine, tokens are not). `reason` texts must not contain personal data:
// they are shown by `cartrelay inbox list`.
//
// Every method takes the soci::session of a Database callback. insert must
// be committed (Database::withTransaction) before the webhook is answered.
// Methods never throw; SOCI errors become kUnavailable or kInternal
// (database.h).
//
// Ownership: `keys` and `clock` must outlive the repository.
// Thread-safety: immutable; share between threads, each with its own session.
class InboxRepo {
 public:
  InboxRepo(const KeyRing& keys, const Clock& clock) : keys_(keys), clock_(clock) {}
  InboxRepo(const InboxRepo&) = delete;
  InboxRepo& operator=(const InboxRepo&) = delete;

  // An event checked and with its body sealed under a fresh row key, ready
  // for insertSealed. Holds no plaintext body and no raw key. Move-only.
  class SealedEvent {
   public:
    SealedEvent(SealedEvent&&) noexcept = default;
    SealedEvent& operator=(SealedEvent&&) noexcept = default;

   private:
    friend class InboxRepo;
    SealedEvent() = default;
    model::InboxEvent meta;  // body empty
    std::string data_key;    // wrapped
    std::string body_enc;    // "" for an empty body
  };

  // The CPU half of insert(): checks the event (kInvalidArgument, as for
  // insert) and encrypts its body. Needs no session and no lock, so the
  // inbox writer's callers run it on their own threads and the writer's
  // transaction only runs SQL. received_at_ms 0 becomes "now".
  Result<SealedEvent> seal(const model::InboxEvent& event) const;

  // Inserts sealed events in order inside the caller's transaction, each
  // statement prepared once for the whole batch (the group commit's hot
  // path). The outer Result fails only when the store does, and then nothing
  // of the transaction can be trusted (roll it back); otherwise there is one
  // inner Result per event: its id, kDuplicate or kInvalidArgument (unknown
  // shop id), as insert() returns them.
  Result<std::vector<Result<std::int64_t>>> insertSealed(
      soci::session& s, const std::vector<const SealedEvent*>& events) const;

  // seal() and insertSealed() for one event: stores a new event in state
  // `received` with attempts 0 and returns its id. `id`, `state`, `reason`, `processed_at_ms` and
  // `attempts` are ignored; received_at_ms 0 means "now". kDuplicate when (source, delivery_id) was
  // stored before (the platform retried: answer 2xx, do not process again); kInvalidArgument for an
  // empty source, platform, topic or delivery id, or text fields that are not UTF-8.
  Result<std::int64_t> insert(soci::session& s, const model::InboxEvent& event) const;

  // The event with body decrypted (empty once its key was destroyed), or
  // std::nullopt.
  Result<std::optional<model::InboxEvent>> load(soci::session& s, std::int64_t id) const;

  struct Filter {
    std::optional<model::InboxState> state;
    std::optional<std::string> source;
    std::int64_t after_id = 0;  // keyset pagination: ids greater than this
    int limit = 100;            // 1..10000
    bool with_body = true;      // false: body left empty (listing for humans)
    std::optional<std::int64_t> shop_id;
  };
  // Matching events ordered by id (arrival order).
  Result<std::vector<model::InboxEvent>> list(soci::session& s, const Filter& filter) const;

  // Final states; processed_at_ms = now. kNotFound for an unknown id.
  Status markDone(soci::session& s, std::int64_t id) const;
  Status markDuplicate(soci::session& s, std::int64_t id, const std::string& reason) const;
  Status markQuarantined(soci::session& s, std::int64_t id, const std::string& reason) const;

  // A transient processing failure: attempts + 1, reason = the error; the
  // event stays `received` so it is tried again. kNotFound for an unknown id.
  Status recordFailedAttempt(soci::session& s, std::int64_t id, const std::string& reason) const;

  // An operator's retry of a quarantined event (after fixing its cause):
  // back to `received` with attempts 0 and reason and processed_at_ms
  // cleared, so the next processing pass picks it up. kNotFound for an
  // unknown id; kInvalidArgument when the event is not quarantined.
  Status requeue(soci::session& s, std::int64_t id) const;

  // Retention: deletes `done` and `duplicate` events processed before
  // `processed_before_ms` and `quarantined` events received before
  // `quarantined_before_ms` (UTC epoch ms; strictly before). `received`
  // events are never deleted, however old. Returns how many rows went.
  Result<std::int64_t> deleteExpired(soci::session& s, std::int64_t processed_before_ms,
                                     std::int64_t quarantined_before_ms) const;

  // How many events are in each state; every state is present (0 when
  // none), for gauges and `cartrelay inbox list` summaries.
  Result<std::map<model::InboxState, std::int64_t>> countByState(soci::session& s) const;

 private:
  Status setState(soci::session& s, std::int64_t id, model::InboxState state,
                  const std::string& reason, const char* context) const;

  const KeyRing& keys_;
  const Clock& clock_;
};

}  // namespace cartrelay::core::store
