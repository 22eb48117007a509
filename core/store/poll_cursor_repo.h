#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/util/clock.h"
#include "core/util/result.h"

namespace soci {
class session;
}  // namespace soci

namespace cartrelay::core::store {

// The `poll_cursors` table: where each shop's poller got to, per resource
// ("orders", "abandoned_checkouts", "customers", "products", ...), so polling
// resumes after a restart instead of backfilling again. The cursor is opaque
// text chosen by the poller (an updated_at timestamp, a page cursor); it holds
// no personal data.
//
// Every method takes the soci::session of a Database callback. Methods never
// throw; SOCI errors become kUnavailable or kInternal (database.h).
//
// Ownership: `clock` must outlive the repository.
// Thread-safety: immutable; share between threads, each with its own session.
class PollCursorRepo {
 public:
  explicit PollCursorRepo(const Clock& clock) : clock_(clock) {}
  PollCursorRepo(const PollCursorRepo&) = delete;
  PollCursorRepo& operator=(const PollCursorRepo&) = delete;

  // The stored cursor, or std::nullopt before the first put (a first start:
  // the poller backfills).
  Result<std::optional<std::string>> get(soci::session& s, std::int64_t shop_id,
                                         const std::string& resource) const;

  // Inserts or replaces the cursor (updated_at_ms = now). kInvalidArgument for
  // an empty resource or an unknown shop.
  Status put(soci::session& s, std::int64_t shop_id, const std::string& resource,
             const std::string& cursor) const;

 private:
  const Clock& clock_;
};

}  // namespace cartrelay::core::store
