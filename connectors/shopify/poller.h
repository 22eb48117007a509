#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/shopify/admin_graphql_client.h"
#include "core/model/inbox_event.h"
#include "core/polling/poll_window.h"
#include "core/util/clock.h"
#include "core/util/status.h"

namespace cartrelay::core::store {
class Database;
}  // namespace cartrelay::core::store

namespace cartrelay::connectors::shopify {

// What the Shopify poller reconciles, in polling order.
enum class PollResource { kAbandonedCheckouts, kOrders, kCustomers, kProducts };

// The GraphQL resource word of the inbox topic "graphql/<word>"
// ("abandoned_checkout", "order", "customer", "product"): what
// mapGraphqlNode (graphql_mapping.h) dispatches on.
std::string_view graphqlResourceName(PollResource resource);

// The key of the resource's row in poll_cursors ("abandoned_checkouts",
// "orders", "customers", "products").
std::string_view cursorKey(PollResource resource);

// Takes one polled change and returns OK only once it is durably stored
// (normally: inserted into the inbox in a committed transaction). kDuplicate
// counts as stored (the same change arrived before, by webhook or poll).
using EventSink = std::function<core::Status(core::model::InboxEvent&&)>;

// The shared options (shop, backfill_days, overlap_ms, max_pages; see
// core/polling/poll_window.h) plus the resources to poll. The overlap also
// covers changes that reach Shopify's search index late.
struct PollerOptions : core::polling::ShopPollOptions {
  std::vector<PollResource> resources = {PollResource::kAbandonedCheckouts, PollResource::kOrders,
                                         PollResource::kCustomers, PollResource::kProducts};
};

// The outcome of polling one resource once: the shared counts (status,
// pages = GraphQL pages fetched, events, duplicates, cursor, rate_limit_waits
// = the client's throttle waits meanwhile) plus the resource.
struct ResourcePoll : core::polling::ResourcePollStats {
  PollResource resource = PollResource::kOrders;
};

using PollRound = core::polling::PollRound<ResourcePoll>;

// Reconciliation polling of one Shopify shop through the Admin GraphQL API
// (shared/reference/shopify-woocommerce.md §3). For each resource it asks for
// everything with `updated_at:>='<cursor - overlap>'` (orders, customers and
// products sorted by UPDATED_AT; abandoned checkouts, which have no such sort
// key, by ID), page by page, and turns every node into an InboxEvent:
//
//   source = shop name, shop_id, platform "shopify",
//   topic = "graphql/<resource>", body = the node's JSON, headers_json "{}",
//   delivery_id = "poll:<resource>:<numeric id>:<updatedAt>"
//
// so polled changes go through the same inbox, mapping (mapGraphqlNode) and
// idempotent apply as webhooks, and an unchanged object polled twice is a
// duplicate. The poller never writes customers, carts or orders itself.
//
// Cursor (core::polling::PollWindow, per shop and resource): the greatest
// updatedAt seen, as "YYYY-MM-DDTHH:MM:SSZ". It advances only after the sink
// accepted every event of a page (for ID-sorted abandoned checkouts: of every
// page of the round, since a later page may hold older changes). Without a
// cursor the poll starts backfill_days before now.
//
// A sink error or an API error stops that resource for this round (its cursor
// stays put) and the round goes on with the next resource.
//
// The queries need Admin API 2026-07 or newer (Order.checkoutToken/cartToken
// and CustomerPhoneNumber.whatsAppMarketingConsent); an older api_version gets
// GraphQL errors (kPermanent). Line items are read up to 10 per checkout or
// order (one page, to keep the query cost low); totals are always exact.
//
// Ownership: client, db, clock and the sink's captures must outlive the
// poller. Thread-safety: not thread-safe; one per shop thread.
class Poller {
 public:
  Poller(PollerOptions options, AdminGraphqlClient& client, core::store::Database& db,
         const core::Clock& clock, EventSink sink);
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  // Polls every configured resource once.
  PollRound pollOnce();

  // Polls one resource once (exposed for tests).
  ResourcePoll poll(PollResource resource);

  // The GraphQL text the poller sends for a resource (the node shape
  // graphql_mapping.cpp reads). Exposed for tests and the fake server.
  static const std::string& queryFor(PollResource resource);

 private:
  PollerOptions options_;
  AdminGraphqlClient& client_;
  core::store::Database& db_;
  const core::Clock& clock_;
  EventSink sink_;
};

// "2026-11-22T15:04:05Z": an epoch-ms time floored to the second, the form
// the poller stores and puts into Shopify search queries.
std::string isoSeconds(core::EpochMillis t);

}  // namespace cartrelay::connectors::shopify
