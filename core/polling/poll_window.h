#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/util/clock.h"
#include "core/util/status.h"

namespace cartrelay::core::store {
class Database;
}  // namespace cartrelay::core::store

// What the shop pollers (connectors/shopify/poller.h,
// connectors/woocommerce/poller.h) share: their common options, the common
// part of their per-resource outcome, and the cursor window (where a poll
// starts and how its stored cursor moves). What differs (the API, paging,
// the cursor's text form) stays in each connector. The structs are plain
// values; PollWindow's contract is stated at the class.
namespace cartrelay::core::polling {

// The options every shop poller has; a connector's PollerOptions extends it.
struct ShopPollOptions {
  std::string shop_name;     // InboxEvent.source; the "shop" of log lines
  std::int64_t shop_id = 0;  // the shops row (core::store::ShopRepo::ensure)
  // First start (no cursor yet): fetch what changed in the last N days.
  int backfill_days = 90;
  // Each query starts this far before the stored cursor, so changes that
  // reached the shop's index late, or share the cursor's second, are not
  // missed; the repeats are dropped by delivery-id dedupe in the inbox.
  std::int64_t overlap_ms = 60'000;
  // Bound on pages per resource and round (every loop is bounded); what is
  // left is fetched next round.
  int max_pages = 1000;
};

// Brings the options into range: max_pages >= 1, overlap_ms >= 0,
// backfill_days >= 0.
void clampPollOptions(ShopPollOptions& options);

// The outcome of polling one resource once, as far as every poller reports
// it; a connector's ResourcePoll extends it.
struct ResourcePollStats {
  Status status;       // first error; OK when the resource was read to the end
  int pages = 0;       // pages fetched
  int events = 0;      // changes handed to the sink (new or duplicate)
  int duplicates = 0;  // of which the sink already had
  bool cursor_advanced = false;
  std::string cursor;  // the stored cursor after the poll ("" if none)
  // Rate-limit waits the API client made meanwhile (Shopify: for its query
  // cost budget, after THROTTLED or HTTP 429; WooCommerce: after HTTP 429).
  // A resource read to the end despite them counts as "throttled" in the
  // poll metrics.
  int rate_limit_waits = 0;

  // Counts one answer of the event sink: OK and kDuplicate mean stored
  // (kDuplicate also counts in `duplicates`). Any other error is recorded as
  // `status` (context "inbox") and false is returned: the poller stops the
  // resource for this round.
  bool countStored(const Status& accepted);
};

// The outcome of one round over a poller's resources, in polling order.
// R is the connector's ResourcePoll (derived from ResourcePollStats).
template <typename R>
struct PollRound {
  std::vector<R> resources;

  bool ok() const { return firstError().isOk(); }
  // The first non-OK status, or OK.
  Status firstError() const {
    for (const R& r : resources) {
      if (!r.status.isOk()) return r.status;
    }
    return Status::ok();
  }
};

// The cursor window of one poll of one resource.
//
// open() reads the resource's stored cursor (core::store::PollCursorRepo,
// keyed by shop_id and `resource`) and parses it with core::parseIso8601. A
// cursor that does not parse (hand-edited?) is logged as
// poll.cursor_unreadable and treated as absent: the poll starts over with a
// backfill rather than stalling. Then
//
//   since() = cursor - overlap_ms, or now - backfill_days days without one;
//   high()  = cursor, or since() without one,
//
// so the high-water mark is never behind the old cursor, and an empty first
// poll still records the backfill start (the shop was polled). The poller
// raises high() with observe() for every change the sink stored, and
// commit() stores `format(high())` when that differs from the stored text.
// When to commit (after each page, or only after a whole round) is the
// poller's choice.
//
// Units: times are epoch milliseconds (UTC); the stored text is whatever
// `format` makes of a time (each platform's timestamp form, floored to the
// second), and must parse back with core::parseIso8601.
//
// Errors: never throws. A store error is recorded in the outcome's status,
// with the context "poll cursor <resource>": open() then returns no window;
// after a failed commit() the stored cursor stays as it was.
//
// Ownership: `db` and `clock` must outlive the window; it copies the rest,
// and writes to an outcome `out` only during the call that is given it.
// Thread-safety: not thread-safe; one window per poll of a resource (the
// Database it uses may be shared).
class PollWindow {
 public:
  // Turns a high-water mark into the cursor text the platform's queries use.
  using Format = std::string (*)(EpochMillis);

  // Reads the stored cursor of (options.shop_id, resource) and sets
  // out.cursor to it ("" when there is none or it was unreadable). On a
  // store error sets out.status and returns std::nullopt.
  static std::optional<PollWindow> open(store::Database& db, const Clock& clock,
                                        const ShopPollOptions& options, std::string resource,
                                        Format format, ResourcePollStats& out);

  // Where this poll's query starts (epoch ms).
  EpochMillis since() const { return since_; }
  // The greatest time seen so far (epoch ms).
  EpochMillis high() const { return high_; }
  // Raises high() to `t` when `t` is later.
  void observe(EpochMillis t) { high_ = std::max(high_, t); }
  // The stored cursor text ("" when there is none or it was unreadable).
  const std::string& cursor() const { return cursor_; }

  // Stores format(high()) unless it equals cursor(). On success (also when
  // nothing needed storing) sets out.cursor to cursor(), and
  // out.cursor_advanced when it stored, and returns true. On a store error
  // sets out.status and returns false; cursor() stays.
  bool commit(ResourcePollStats& out);

 private:
  PollWindow(store::Database& db, const Clock& clock, std::int64_t shop_id, std::string resource,
             Format format)
      : db_(&db),
        clock_(&clock),
        shop_id_(shop_id),
        resource_(std::move(resource)),
        format_(format) {}

  store::Database* db_;
  const Clock* clock_;
  std::int64_t shop_id_;
  std::string resource_;
  Format format_;
  EpochMillis since_ = 0;
  EpochMillis high_ = 0;
  std::string cursor_;
};

}  // namespace cartrelay::core::polling
