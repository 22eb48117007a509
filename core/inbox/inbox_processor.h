#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "core/inbox/change_applier.h"
#include "core/metrics/metrics.h"
#include "core/model/inbox_event.h"
#include "core/ports/event_mapper.h"
#include "core/ports/inbox_event_handler.h"
#include "core/store/database.h"
#include "core/store/inbox_repo.h"
#include "core/util/clock.h"
#include "core/util/key_ring.h"
#include "core/util/result.h"

namespace cartrelay::core::inbox {

// Works the inbox off, after the webhook was answered (DESIGN.md "Delivery
// semantics": processing is at-least-once and idempotent):
//
//   received --map (pure)--> ChangeSet --ChangeApplier--> done | duplicate
//            \-- mapping failed / change refused --------> quarantined(reason)
//            \-- store unavailable -> attempts+1, retried later; after
//                Options::max_attempts -> quarantined
//
// Events are taken in id (arrival) order in batches; a batch runs in one
// transaction with a savepoint per event, so one bad event is quarantined
// without undoing its neighbours and a store failure undoes the batch. An
// event whose every row was stale (the store already held newer state) ends
// `duplicate`. Quarantined events never block others; `cartrelay inbox
// retry` puts one back.
//
// The background thread wakes on notify() (the intake's commit), every
// Options::idle_interval, and runs the retention sweep (InboxRepo::
// deleteExpired) every Options::retention_interval.
//
// Ownership: every reference must outlive the processor; `metrics` may be null.
// Thread-safety: start/stop/notify from any thread; processPending() and
// sweepRetention() may also be called directly (tests, CLI) when the thread
// is not running.
class InboxProcessor {
 public:
  // How to process one event: a shop's events are mapped by the connector's
  // mapper with the shop's context and applied as a ChangeSet; events that
  // are not a shop's (WhatsApp) go to their handler instead.
  struct Route {
    const ports::EventMapper* mapper = nullptr;
    ports::MappingContext context;
    const ports::InboxEventHandler* handler = nullptr;  // set: used instead of mapper
  };
  // Finds the route for an event (by source/platform). An error quarantines
  // the event with that message (e.g. its shop is no longer configured).
  using Router = std::function<Result<Route>(const model::InboxEvent&)>;

  struct Options {
    int batch_size = 200;
    std::chrono::milliseconds idle_interval{2000};
    std::chrono::milliseconds retry_backoff{1000};  // after a store failure
    int max_attempts = 10;
    std::int64_t keep_processed_ms = 7LL * 24 * 3600 * 1000;     // retention.inbox
    std::int64_t keep_quarantined_ms = 30LL * 24 * 3600 * 1000;  // retention.inbox_quarantined
    std::chrono::milliseconds retention_interval{3600 * 1000};
    // Intake first: both share the store and the CPU, and answering the
    // platform in time is what keeps webhooks from being retried or
    // disabled. `intake_total` is the intake's running count of events
    // handed in; before each batch the processor looks at how many arrived
    // since its last look, and while that is more than `yield_above` per
    // `yield_for` (400/s by default: a flood, not a busy shop) it pauses
    // `yield_for` and looks again. After `max_yield` of pausing it runs one
    // batch of `busy_batch_size` anyway, so a long burst delays processing
    // but never starves it. Null: never yield.
    std::function<std::uint64_t()> intake_total;
    std::uint64_t yield_above = 8;
    std::chrono::milliseconds yield_for{20};
    std::chrono::milliseconds max_yield{2000};
    int busy_batch_size = 16;
  };

  struct Counts {
    std::int64_t done = 0;
    std::int64_t duplicate = 0;
    std::int64_t quarantined = 0;
    std::int64_t retried = 0;  // store failures; the events stay received

    bool operator==(const Counts&) const = default;
  };

  InboxProcessor(store::Database& database, const KeyRing& keys, const Clock& clock, Router router,
                 metrics::Metrics* metrics, Options options);
  InboxProcessor(const InboxProcessor&) = delete;
  InboxProcessor& operator=(const InboxProcessor&) = delete;
  ~InboxProcessor();

  void start();
  // Wakes the thread: new events were committed. Never blocks.
  void notify();
  // Finishes the batch in progress and joins the thread. Idempotent.
  void stop();

  // One pass over every event received so far. Stops early (returning what
  // was done) when the store fails; the failed events stay `received`.
  Result<Counts> processPending();

  // Deletes processed and quarantined events past their retention; returns
  // how many rows went.
  Result<std::int64_t> sweepRetention();

 private:
  struct Mapped;

  void run();
  Result<Counts> processBatch(std::int64_t& after_id, bool& more, int limit);
  Mapped mapEvent(const model::InboxEvent& event) const;
  // Waits while the intake is busy (Options::intake_total). Returns the
  // size of the next batch (Options::busy_batch_size when the intake is still
  // busy, so the store is held only briefly), or nullopt when stopping.
  std::optional<int> yieldToIntake();

  store::Database& database_;
  const Clock& clock_;
  const Router router_;
  metrics::Metrics* metrics_;
  const Options options_;
  store::InboxRepo inbox_;
  ChangeApplier applier_;

  // The intake's count at the last look (yieldToIntake), processor thread only.
  std::uint64_t intake_seen_ = 0;
  std::chrono::steady_clock::time_point intake_seen_at_ = std::chrono::steady_clock::now();

  std::mutex mu_;
  std::condition_variable wake_;
  bool pending_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace cartrelay::core::inbox
