#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model/product.h"
#include "core/store/upsert_result.h"
#include "core/util/clock.h"
#include "core/util/result.h"

namespace soci {
class session;
}  // namespace soci

namespace cartrelay::core::store {

// The `products` table: the shops' catalogues, kept fresh by polling so
// segments can ask "bought in category X" (order items carry product_id).
// Products hold no personal data; nothing is encrypted. Categories and tags
// are stored as JSON arrays of strings, so names containing commas, quotes
// or nothing at all come back exactly as given, in the same order.
//
// Every method takes the soci::session of a Database callback; upsert reads
// then writes, so call it inside Database::withTransaction. Methods never
// throw; SOCI errors become kUnavailable or kInternal (database.h).
//
// Ownership: `clock` must outlive the repository.
// Thread-safety: immutable; share between threads, each with its own session.
class ProductRepo {
 public:
  explicit ProductRepo(const Clock& clock) : clock_(clock) {}
  ProductRepo(const ProductRepo&) = delete;
  ProductRepo& operator=(const ProductRepo&) = delete;

  // Inserts or replaces the product identified by (shop_id,
  // platform_product_id); `id` and the store times are ignored. Not applied
  // when the stored platform_updated_at_ms is greater than the incoming one
  // (an older poll page never overwrites newer state); an equal time is
  // applied. kInvalidArgument for a missing or unknown shop, a missing
  // platform id, or text that is not valid UTF-8; kUnavailable on a
  // concurrent insert of the same product (retry).
  Result<UpsertResult> upsert(soci::session& s, const model::Product& product) const;

  // The shop's product with this platform id, or std::nullopt.
  Result<std::optional<model::Product>> findByPlatformId(
      soci::session& s, std::int64_t shop_id, const std::string& platform_product_id) const;

  struct Filter {
    std::int64_t shop_id = 0;   // required
    std::int64_t after_id = 0;  // keyset pagination: ids greater than this
    int limit = 100;            // 1..10000
  };
  // The shop's products ordered by id. kInvalidArgument for a missing shop
  // id or a limit out of range.
  Result<std::vector<model::Product>> list(soci::session& s, const Filter& filter) const;

 private:
  const Clock& clock_;
};

}  // namespace cartrelay::core::store
