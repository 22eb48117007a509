#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model/order.h"
#include "core/store/upsert_result.h"
#include "core/util/clock.h"
#include "core/util/result.h"

namespace soci {
class session;
}  // namespace soci

namespace cartrelay::core::store {

// The `orders` and `order_items` tables. Orders hold no personal data of
// their own (the buyer is customer_id), so nothing here is encrypted.
// Items are stored in order; `line` is rewritten to the position (0..n-1).
//
// Every method takes the soci::session of a Database callback; upsert reads
// then writes, so call it inside Database::withTransaction. Methods never
// throw; SOCI errors become kUnavailable or kInternal (database.h).
//
// Ownership: `clock` must outlive the repository.
// Thread-safety: immutable; share between threads, each with its own session.
class OrderRepo {
 public:
  explicit OrderRepo(const Clock& clock) : clock_(clock) {}
  OrderRepo(const OrderRepo&) = delete;
  OrderRepo& operator=(const OrderRepo&) = delete;

  // Inserts or replaces (with its items) the order identified by (shop_id,
  // platform_order_id); `id` and the store times are ignored. Not applied
  // when the stored platform_updated_at_ms is greater than the incoming one;
  // an equal time is applied. kInvalidArgument for a missing shop or
  // platform id, an unknown shop or customer id; kUnavailable on a
  // concurrent insert of the same order (retry).
  Result<UpsertResult> upsert(soci::session& s, const model::Order& order) const;

  // The order with store id `id` (items included), or std::nullopt.
  Result<std::optional<model::Order>> load(soci::session& s, std::int64_t id) const;

  Result<std::optional<model::Order>> findByPlatformId(soci::session& s, std::int64_t shop_id,
                                                       const std::string& platform_order_id) const;

  // Deletes the order identified by (shop_id, platform_order_id) and its
  // items (the platform deleted it: orders/delete). true if it existed, false
  // if there was nothing to delete (a redelivered deletion is harmless).
  // Carts and domain events that refer to the order are left as they are.
  // Call it inside Database::withTransaction so the order and its items go
  // together.
  Result<bool> remove(soci::session& s, std::int64_t shop_id,
                      const std::string& platform_order_id) const;

  struct Filter {
    std::optional<std::int64_t> shop_id;
    std::optional<std::int64_t> customer_id;
    std::optional<std::string> checkout_token;
    std::optional<std::int64_t> placed_since_ms;  // placed_at_ms >= this (UTC epoch ms)
    std::int64_t after_id = 0;                    // keyset pagination: ids greater than this
    int limit = 100;                              // 1..10000
  };
  // Matching orders with items, ordered by id.
  Result<std::vector<model::Order>> list(soci::session& s, const Filter& filter) const;

 private:
  const Clock& clock_;
};

}  // namespace cartrelay::core::store
