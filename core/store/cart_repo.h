#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model/cart.h"
#include "core/store/upsert_result.h"
#include "core/util/clock.h"
#include "core/util/key_ring.h"
#include "core/util/result.h"

namespace soci {
class session;
}  // namespace soci

namespace cartrelay::core::store {

// The `carts` and `cart_items` tables.
//
// A cart's recovery URL is a bearer link to a checkout that shows the
// customer's contact details, so it is stored encrypted under a per-cart
// data key (associated data "carts.recovery_url:<id>"); erasing the
// customer (CustomerRepo::eraseDataKey) destroys that key. Everything else
// is plain. Items are stored in order; `line` is rewritten to the position
// (0..n-1).
//
// Every method takes the soci::session of a Database callback; upsert reads
// then writes, so call it inside Database::withTransaction. Methods never
// throw; SOCI errors become kUnavailable or kInternal (database.h).
//
// Ownership: `keys` and `clock` must outlive the repository.
// Thread-safety: immutable; share between threads, each with its own session.
class CartRepo {
 public:
  CartRepo(const KeyRing& keys, const Clock& clock) : keys_(keys), clock_(clock) {}
  CartRepo(const CartRepo&) = delete;
  CartRepo& operator=(const CartRepo&) = delete;

  // Inserts or replaces (with its items) the cart identified by (shop_id,
  // platform_cart_id); `id` and the store times are ignored. An empty
  // cart_token is stored as NULL. Not applied
  // when the stored platform_updated_at_ms is greater than the incoming one
  // (an older event never overwrites newer state); an equal time is applied
  // (redelivery of the same state is harmless). kInvalidArgument for a
  // missing shop or platform id, or an unknown customer_id; kUnavailable
  // on a concurrent insert of the same cart (retry).
  Result<UpsertResult> upsert(soci::session& s, const model::Cart& cart) const;

  // The cart with store id `id` (items included), or std::nullopt. The
  // recovery URL is empty once the cart's key was destroyed.
  Result<std::optional<model::Cart>> load(soci::session& s, std::int64_t id) const;

  Result<std::optional<model::Cart>> findByPlatformId(soci::session& s, std::int64_t shop_id,
                                                      const std::string& platform_cart_id) const;

  // The shop's cart whose cart_token equals `cart_token` (Shopify: orders and
  // checkouts/delete name the cart token, not the checkout token). Several
  // checkouts may share one token; the one with the greatest
  // platform_updated_at_ms wins (then the greatest id). std::nullopt when
  // none matches or `cart_token` is empty.
  Result<std::optional<model::Cart>> findByCartToken(soci::session& s, std::int64_t shop_id,
                                                     const std::string& cart_token) const;

  struct Filter {
    std::optional<std::int64_t> shop_id;
    std::optional<std::int64_t> customer_id;
    std::optional<model::CartState> state;
    // Only carts whose platform_updated_at_ms is strictly before this (ms):
    // how abandonment scans ask for "idle for N minutes".
    std::optional<std::int64_t> updated_before_ms;
    std::int64_t after_id = 0;  // keyset pagination: ids greater than this
    int limit = 100;            // 1..10000
  };
  // Matching carts with items, ordered by id.
  Result<std::vector<model::Cart>> list(soci::session& s, const Filter& filter) const;

  // Sets the state (e.g. completed when its order arrives) without touching
  // platform_updated_at_ms. kNotFound if there is no such cart.
  Status setState(soci::session& s, std::int64_t id, model::CartState state) const;

 private:
  const KeyRing& keys_;
  const Clock& clock_;
};

}  // namespace cartrelay::core::store
