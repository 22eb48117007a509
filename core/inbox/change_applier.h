#pragma once

#include <cstdint>
#include <optional>

#include "core/model/change_set.h"
#include "core/model/domain_event.h"
#include "core/store/cart_repo.h"
#include "core/store/customer_repo.h"
#include "core/store/domain_event_repo.h"
#include "core/store/order_repo.h"
#include "core/store/product_repo.h"
#include "core/util/clock.h"
#include "core/util/key_ring.h"
#include "core/util/result.h"

namespace soci {
class session;
}  // namespace soci

namespace cartrelay::core::inbox {

// Applies one mapped event (a ChangeSet) to the store and records what
// happened as domain events, all on the caller's session so that the change,
// its events and the inbox row's new state commit together.
//
// Idempotent: every write is an upsert by platform id where an older
// platform_updated_at never overwrites newer state, so applying the same
// ChangeSet twice changes nothing and emits no second event.
//
// Rules beyond plain upserts:
//   - Customer references (a cart's or order's buyer, a consent subject) are
//     resolved to one customer per shop: by platform id, else by phone hash,
//     else by e-mail hash; a new guest gets platform id "guest:<keyed hash>".
//     A reference only fills fields the stored customer lacks; only a
//     customer topic (ChangeSet::customers) replaces them.
//   - A cart for which an order already exists (order.checkout_token equals
//     the cart's platform id) is stored as completed, whatever the payload
//     says, so a late checkout update never reopens a bought cart.
//   - An order completes the cart it came from (by checkout token, else by
//     Shopify cart token) and emits CheckoutCompleted.
//   - Order transitions emit OrderPlaced / OrderPaid / OrderFulfilled /
//     OrderCancelled, other changes OrderUpdated.
//
// Errors: kInvalidArgument / kPermanent when the change cannot be applied for
// good (the inbox quarantines the event); kUnavailable / kInternal from the
// store (the whole transaction should be retried).
//
// Ownership: `keys` and `clock` must outlive the applier.
// Thread-safety: immutable; share between threads, each with its own session.
class ChangeApplier {
 public:
  struct Outcome {
    int applied = 0;  // rows written
    int stale = 0;    // rows kept because the stored state was newer
    int events = 0;   // domain events emitted
  };

  ChangeApplier(const KeyRing& keys, const Clock& clock);
  ChangeApplier(const ChangeApplier&) = delete;
  ChangeApplier& operator=(const ChangeApplier&) = delete;

  Result<Outcome> apply(soci::session& s, std::int64_t shop_id,
                        std::optional<std::int64_t> inbox_id,
                        const model::ChangeSet& changes) const;

 private:
  class Run;

  const KeyRing& keys_;
  const Clock& clock_;
  store::CustomerRepo customers_;
  store::CartRepo carts_;
  store::OrderRepo orders_;
  store::ProductRepo products_;
  store::DomainEventRepo events_;
};

}  // namespace cartrelay::core::inbox
