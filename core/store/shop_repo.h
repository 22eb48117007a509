#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/model/shop.h"
#include "core/util/clock.h"
#include "core/util/result.h"

namespace soci {
class session;
}  // namespace soci

namespace cartrelay::core::store {

// The `shops` table: one row per `[shop.NAME]`, so other rows can reference
// a stable numeric id.
//
// Every method takes the soci::session of a Database callback, so callers
// choose the transaction (Database::withTransaction) and may combine several
// repositories in one. Methods never throw; SOCI errors become kUnavailable
// or kInternal as described in database.h.
//
// Ownership: `clock` must outlive the repository.
// Thread-safety: stateless apart from the references; may be shared by
// threads, each with its own session.
class ShopRepo {
 public:
  explicit ShopRepo(const Clock& clock) : clock_(clock) {}
  ShopRepo(const ShopRepo&) = delete;
  ShopRepo& operator=(const ShopRepo&) = delete;

  // Returns the id of the shop called `name`, inserting it if missing.
  // kInvalidArgument if the name is empty or the shop exists with another
  // platform (a shop's platform never changes; rename the section instead).
  Result<std::int64_t> ensure(soci::session& s, const std::string& name,
                              model::Platform platform) const;

  // The shop called `name`, or std::nullopt.
  Result<std::optional<model::Shop>> findByName(soci::session& s, const std::string& name) const;

  // All shops, ordered by name.
  Result<std::vector<model::Shop>> list(soci::session& s) const;

 private:
  const Clock& clock_;
};

}  // namespace cartrelay::core::store
