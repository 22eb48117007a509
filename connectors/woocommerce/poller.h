#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/woocommerce/rest_client.h"
#include "core/model/inbox_event.h"
#include "core/polling/poll_window.h"
#include "core/util/clock.h"
#include "core/util/status.h"

namespace cartrelay::core::store {
class Database;
}  // namespace cartrelay::core::store

namespace cartrelay::connectors::woocommerce {

// What the WooCommerce poller reconciles, in polling order.
//   kOrders          GET /orders?status=any (pending and failed included)
//   kCheckoutDrafts  GET /orders?status=checkout-draft: block-checkout drafts,
//                    which status=any may leave out (reference §7)
//   kCustomers       GET /customers (newly registered ones; see Poller)
//   kProducts        GET /products
enum class PollResource { kOrders, kCheckoutDrafts, kCustomers, kProducts };

// The key of the resource's row in poll_cursors ("orders",
// "checkout_drafts", "customers", "products").
std::string_view cursorKey(PollResource resource);

// The inbox topic polled objects are stored under: "order.updated",
// "customer.updated" or "product.updated". The WooCommerce mapper maps REST
// objects under those topics exactly like webhook payloads, which the docs
// say are the same REST representation.
std::string_view inboxTopic(PollResource resource);

// Takes one polled change; OK only once durably stored. kDuplicate counts as
// stored.
using EventSink = std::function<core::Status(core::model::InboxEvent&&)>;

// The shared options (shop, backfill_days, overlap_ms, max_pages; see
// core/polling/poll_window.h) plus the page size and the resources to poll.
struct PollerOptions : core::polling::ShopPollOptions {
  int per_page = 100;  // WordPress caps per_page at 100
  std::vector<PollResource> resources = {PollResource::kOrders, PollResource::kCheckoutDrafts,
                                         PollResource::kCustomers, PollResource::kProducts};
};

// The outcome of polling one resource once: the shared counts (status is
// also OK for a skipped resource; rate_limit_waits = the client's 429 waits
// meanwhile) plus these.
struct ResourcePoll : core::polling::ResourcePollStats {
  PollResource resource = PollResource::kOrders;
  std::string note;  // e.g. why a resource was skipped
};

using PollRound = core::polling::PollRound<ResourcePoll>;

// Reconciliation polling of one WooCommerce shop over REST v3 (reference §8):
// WooCommerce retries no webhook and disables one after a few failures
// (§6), and WP-Cron may deliver late, so the poller lists what changed.
//
// Orders, checkout drafts and products: `modified_after=<cursor - overlap>`
// with `dates_are_gmt=true`, `orderby=id&order=asc` (the documented orderby
// values are date, id, include, title and slug; id keeps page boundaries
// stable while objects change during the walk), `per_page`, `page=N` up to
// X-WP-TotalPages. Customers have no modified filter in the REST API: the
// poller walks `orderby=registered_date&order=desc` until it reaches
// customers registered before the cursor, so it sees new accounts;
// changes to existing ones arrive on their orders and customer.* webhooks.
//
// Every object becomes an InboxEvent{source = shop name, shop_id, platform
// "woocommerce", topic = inboxTopic(), body = the object's JSON, headers_json
// "{}", delivery_id = "poll:<order|customer|product>:<id>:<date_modified_gmt>"}.
//
// Cursor (core::polling::PollWindow): the greatest date_modified_gmt seen
// (customers: date_created_gmt), "YYYY-MM-DDTHH:MM:SS" in UTC, stored only
// after every page of the round was accepted by the sink (id order is not
// modification order, so a partial walk cannot move it). No cursor: start
// backfill_days before now.
//
// A shop that rejects status=checkout-draft (HTTP 400: older WooCommerce,
// no block checkout) gets that resource skipped, with a note, from then on.
//
// Ownership: client, db, clock and the sink's captures outlive the poller.
// Thread-safety: not thread-safe; one per shop thread.
class Poller {
 public:
  Poller(PollerOptions options, RestClient& client, core::store::Database& db,
         const core::Clock& clock, EventSink sink);
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  PollRound pollOnce();
  ResourcePoll poll(PollResource resource);

 private:
  PollerOptions options_;
  RestClient& client_;
  core::store::Database& db_;
  const core::Clock& clock_;
  EventSink sink_;
  bool drafts_unsupported_ = false;
};

// "2026-11-22T15:04:05": an epoch-ms time floored to the second, in UTC
// without a zone suffix (the form WooCommerce's *_gmt fields use).
std::string gmtSeconds(core::EpochMillis t);

}  // namespace cartrelay::connectors::woocommerce
