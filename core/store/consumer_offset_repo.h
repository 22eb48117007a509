#pragma once

#include <cstdint>
#include <string>

#include "core/util/clock.h"
#include "core/util/result.h"

namespace soci {
class session;
}  // namespace soci

namespace cartrelay::core::store {

// The `consumer_offsets` table: how far each in-process consumer of
// domain_events has read (the last id it finished), so a restart resumes
// there. A consumer reads and advances its offset in the transaction that
// also writes what it did with the events: each event is handled once.
//
// Every method takes the soci::session of a Database callback and never
// throws; SOCI errors become kUnavailable or kInternal (database.h).
// get() locks the row (FOR UPDATE on MariaDB) so two instances cannot
// consume the same events at once.
// Ownership: `clock` must outlive the repository. Thread-safety: immutable.
class ConsumerOffsetRepo {
 public:
  explicit ConsumerOffsetRepo(const Clock& clock) : clock_(clock) {}
  ConsumerOffsetRepo(const ConsumerOffsetRepo&) = delete;
  ConsumerOffsetRepo& operator=(const ConsumerOffsetRepo&) = delete;

  // The last id consumed; 0 before the first put.
  Result<std::int64_t> get(soci::session& s, const std::string& consumer) const;

  // Records `last_id` (updated_at_ms = now). kInvalidArgument for an empty
  // or over-long consumer name.
  Status put(soci::session& s, const std::string& consumer, std::int64_t last_id) const;

 private:
  const Clock& clock_;
};

}  // namespace cartrelay::core::store
