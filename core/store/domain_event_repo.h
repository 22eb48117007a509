#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/model/domain_event.h"
#include "core/util/clock.h"
#include "core/util/result.h"

namespace soci {
class session;
}  // namespace soci

namespace cartrelay::core::store {

// The `domain_events` table: an append-only log of what happened to each
// shop's picture (model/domain_event.h). The inbox applier appends in the
// same transaction as the change the event describes; journeys, segments
// and the compliance side read it in id order, each remembering the last id
// it consumed (keyset pagination).
//
// Ordering caveat (MariaDB with several writers): ids are allocated when a
// row is inserted, not when its transaction commits, so a reader may see id
// N+1 before a concurrent transaction commits id N. SQLite has one writer
// and no such gap.
//
// Events hold no personal data in clear (the model's contract): a person is
// named by customer_id and subject_hash (a keyed hash), never by value.
// customer_id, cart_id, order_id and inbox_id are stored as given and are not
// checked: an event outlives the rows it names.
//
// Every method takes the soci::session of a Database callback. Methods never
// throw; SOCI errors become kUnavailable or kInternal (database.h).
//
// Ownership: `clock` must outlive the repository.
// Thread-safety: immutable; share between threads, each with its own session.
class DomainEventRepo {
 public:
  explicit DomainEventRepo(const Clock& clock) : clock_(clock) {}
  DomainEventRepo(const DomainEventRepo&) = delete;
  DomainEventRepo& operator=(const DomainEventRepo&) = delete;

  // Stores `event` and returns its id, greater than every id stored before
  // it. `id` and `created_at_ms` are ignored (created_at_ms = now); the kind
  // is stored as its toString() text and payload_json byte for byte.
  // kInvalidArgument when shop_id is 0 or unknown, payload_json is not a
  // JSON object (or is over 64 KiB), or subject_hash is neither empty nor 64
  // hex characters.
  Result<std::int64_t> append(soci::session& s, const model::DomainEvent& event) const;

  struct Filter {
    std::int64_t after_id = 0;  // keyset pagination: ids greater than this
    std::optional<std::int64_t> shop_id;
    // Only these kinds; an empty vector matches nothing.
    std::optional<std::vector<model::DomainEventKind>> kinds;
    std::optional<std::int64_t> customer_id;
    int limit = 100;  // 1..10000
  };
  // Matching events ordered by id. kInvalidArgument for a limit out of
  // range; kInternal for a stored kind this binary does not know.
  Result<std::vector<model::DomainEvent>> list(soci::session& s, const Filter& filter) const;

 private:
  const Clock& clock_;
};

}  // namespace cartrelay::core::store
