#include "core/inbox/inbox_processor.h"

#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <soci/soci.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/util/log.h"

namespace cartrelay::core::inbox {
namespace {

// The outcome of a refused change is final (quarantine); anything else is
// the store's trouble and worth another try.
bool isPermanent(const Status& status) {
  switch (status.code()) {
    case Status::Code::kInvalidArgument:
    case Status::Code::kPermanent:
    case Status::Code::kNotFound:
    case Status::Code::kDuplicate:
    case Status::Code::kTooLarge:
      return true;
    default:
      return false;
  }
}

// Raw SQL for savepoints: the same statements work on SQLite and MariaDB.
Status runSql(soci::session& s, const char* sql) {
  try {
    s << sql;
    return Status::ok();
  } catch (const std::exception& e) {
    return Status::unavailable(std::string("savepoint failed: ") + e.what());
  }
}

}  // namespace

struct InboxProcessor::Mapped {
  const model::InboxEvent* event = nullptr;
  Result<model::ChangeSet> changes = Status::internal("not mapped");
  const ports::InboxEventHandler* handler = nullptr;  // set: changes is unused
};

InboxProcessor::InboxProcessor(store::Database& database, const KeyRing& keys, const Clock& clock,
                               Router router, metrics::Metrics* metrics, Options options)
    : database_(database),
      clock_(clock),
      router_(std::move(router)),
      metrics_(metrics),
      options_(options),
      inbox_(keys, clock),
      applier_(keys, clock) {}

InboxProcessor::~InboxProcessor() { stop(); }

void InboxProcessor::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  pending_ = true;  // events left over from before a restart
  thread_ = std::thread([this] { run(); });
}

void InboxProcessor::notify() {
  {
    std::lock_guard lock(mu_);
    pending_ = true;
  }
  wake_.notify_one();
}

void InboxProcessor::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

std::optional<int> InboxProcessor::yieldToIntake() {
  if (!options_.intake_total) return options_.batch_size;
  // A rate over the time since the last look rather than the writer's
  // queue depth: the queue empties at every commit, so a sample of it
  // misses a flood about as often as it sees one.
  std::chrono::milliseconds waited{0};
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    const std::uint64_t total = options_.intake_total();
    const std::uint64_t arrived = total - intake_seen_;
    const auto elapsed_ms =
        std::chrono::duration<double, std::milli>(now - intake_seen_at_).count();
    intake_seen_ = total;
    intake_seen_at_ = now;
    const double allowed = static_cast<double>(options_.yield_above) * elapsed_ms /
                           static_cast<double>(options_.yield_for.count());
    if (static_cast<double>(arrived) <= allowed) return options_.batch_size;
    if (waited >= options_.max_yield) return options_.busy_batch_size;
    std::unique_lock lock(mu_);
    if (wake_.wait_for(lock, options_.yield_for, [this] { return stopping_; })) {
      return std::nullopt;
    }
    waited += options_.yield_for;
  }
}

void InboxProcessor::run() {
  // Below the HTTP threads: on a small VPS the CPU goes to answering the
  // platforms first; the backlog is worked off as soon as they are served.
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
  auto last_sweep = std::chrono::steady_clock::now() - options_.retention_interval;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, options_.idle_interval, [this] { return pending_ || stopping_; });
      if (stopping_) return;
      pending_ = false;
    }
    auto counts = processPending();
    if (!counts.isOk()) {
      log::warn("inbox.processing_paused").status(counts.status());
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, options_.retry_backoff, [this] { return stopping_; });
      pending_ = true;  // the failed events are still waiting
      continue;
    }
    if (std::chrono::steady_clock::now() - last_sweep >= options_.retention_interval) {
      last_sweep = std::chrono::steady_clock::now();
      auto swept = sweepRetention();
      if (!swept.isOk()) log::warn("inbox.retention_failed").status(swept.status());
    }
  }
}

InboxProcessor::Mapped InboxProcessor::mapEvent(const model::InboxEvent& event) const {
  Mapped m;
  m.event = &event;
  auto route = router_(event);
  if (!route.isOk()) {
    m.changes = route.status();
    return m;
  }
  if (route->handler != nullptr) {
    m.handler = route->handler;
    m.changes = model::ChangeSet{};
    return m;
  }
  if (route->mapper == nullptr) {
    m.changes = Status::invalidArgument("no mapper for platform " + event.platform);
    return m;
  }
  m.changes = route->mapper->map(event, route->context);
  return m;
}

Result<InboxProcessor::Counts> InboxProcessor::processPending() {
  Counts total;
  std::int64_t after_id = 0;
  bool more = true;
  while (more) {
    std::optional<int> limit = yieldToIntake();
    if (!limit) break;
    auto batch = processBatch(after_id, more, *limit);
    if (!batch.isOk()) return batch.status();
    total.done += batch->done;
    total.duplicate += batch->duplicate;
    total.quarantined += batch->quarantined;
    total.retried += batch->retried;
  }
  if (metrics_ != nullptr) {
    auto states = database_.querySession([&](soci::session& s) { return inbox_.countByState(s); });
    if (states.isOk()) {
      auto it = states->find(model::InboxState::kReceived);
      metrics_->setInboxBacklog(it == states->end() ? 0.0 : static_cast<double>(it->second));
    }
  }
  return total;
}

Result<InboxProcessor::Counts> InboxProcessor::processBatch(std::int64_t& after_id, bool& more,
                                                            int limit) {
  store::InboxRepo::Filter filter;
  filter.state = model::InboxState::kReceived;
  filter.after_id = after_id;
  filter.limit = limit;
  CARTRELAY_ASSIGN_OR_RETURN(
      std::vector<model::InboxEvent> events,
      database_.querySession([&](soci::session& s) { return inbox_.list(s, filter); }));
  more = static_cast<int>(events.size()) == limit;
  if (events.empty()) return Counts{};
  after_id = events.back().id;

  // Mapping is pure CPU work: done before the transaction takes the store.
  std::vector<Mapped> mapped;
  mapped.reserve(events.size());
  for (const auto& e : events) mapped.push_back(mapEvent(e));

  Counts counts;
  std::vector<std::pair<std::string, std::string>> outcomes;  // platform, outcome
  const model::InboxEvent* failed = nullptr;
  Status committed = database_.withTransaction([&](soci::session& s) -> Status {
    counts = Counts{};
    outcomes.clear();
    failed = nullptr;
    for (const Mapped& m : mapped) {
      const model::InboxEvent& e = *m.event;
      if (!m.changes.isOk()) {
        CARTRELAY_RETURN_IF_ERROR(inbox_.markQuarantined(s, e.id, m.changes.status().message()));
        ++counts.quarantined;
        outcomes.emplace_back(e.platform, "quarantined");
        continue;
      }
      if (m.handler != nullptr) {
        CARTRELAY_RETURN_IF_ERROR(runSql(s, "SAVEPOINT inbox_event"));
        Status handled = m.handler->handle(s, e);
        if (!handled.isOk()) {
          if (!isPermanent(handled)) {
            failed = &e;
            return handled;
          }
          CARTRELAY_RETURN_IF_ERROR(runSql(s, "ROLLBACK TO SAVEPOINT inbox_event"));
          CARTRELAY_RETURN_IF_ERROR(runSql(s, "RELEASE SAVEPOINT inbox_event"));
          CARTRELAY_RETURN_IF_ERROR(inbox_.markQuarantined(s, e.id, handled.message()));
          ++counts.quarantined;
          outcomes.emplace_back(e.platform, "quarantined");
          continue;
        }
        CARTRELAY_RETURN_IF_ERROR(runSql(s, "RELEASE SAVEPOINT inbox_event"));
        CARTRELAY_RETURN_IF_ERROR(inbox_.markDone(s, e.id));
        ++counts.done;
        outcomes.emplace_back(e.platform, "done");
        continue;
      }
      if (m.changes->empty()) {
        CARTRELAY_RETURN_IF_ERROR(inbox_.markDone(s, e.id));
        ++counts.done;
        outcomes.emplace_back(e.platform, "done");
        continue;
      }
      CARTRELAY_RETURN_IF_ERROR(runSql(s, "SAVEPOINT inbox_event"));
      auto applied = applier_.apply(s, e.shop_id.value_or(0), e.id, *m.changes);
      if (!applied.isOk()) {
        if (!isPermanent(applied.status())) {
          failed = &e;
          return applied.status();
        }
        CARTRELAY_RETURN_IF_ERROR(runSql(s, "ROLLBACK TO SAVEPOINT inbox_event"));
        CARTRELAY_RETURN_IF_ERROR(runSql(s, "RELEASE SAVEPOINT inbox_event"));
        CARTRELAY_RETURN_IF_ERROR(inbox_.markQuarantined(s, e.id, applied.status().message()));
        ++counts.quarantined;
        outcomes.emplace_back(e.platform, "quarantined");
        continue;
      }
      CARTRELAY_RETURN_IF_ERROR(runSql(s, "RELEASE SAVEPOINT inbox_event"));
      if (applied->applied == 0 && applied->events == 0 && applied->stale > 0) {
        CARTRELAY_RETURN_IF_ERROR(
            inbox_.markDuplicate(s, e.id, "the store already holds newer state"));
        ++counts.duplicate;
        outcomes.emplace_back(e.platform, "duplicate");
      } else {
        CARTRELAY_RETURN_IF_ERROR(inbox_.markDone(s, e.id));
        ++counts.done;
        outcomes.emplace_back(e.platform, "done");
      }
    }
    return Status::ok();
  });

  if (!committed.isOk()) {
    // Charge the failure to the event that hit it (or the batch's first), so
    // an event that always breaks the store ends in quarantine, not a loop.
    const model::InboxEvent& e = failed != nullptr ? *failed : events.front();
    Status recorded = database_.withTransaction([&](soci::session& s) -> Status {
      if (e.attempts + 1 >= options_.max_attempts) {
        return inbox_.markQuarantined(s, e.id,
                                      "gave up after " + std::to_string(e.attempts + 1) +
                                          " attempts: " + committed.message());
      }
      return inbox_.recordFailedAttempt(s, e.id, committed.message());
    });
    if (metrics_ != nullptr) metrics_->countInboxEvent(e.platform, "retry");
    log::warn("inbox.event_failed")
        .kv("inbox_id", e.id)
        .kv("attempt", static_cast<std::int64_t>(e.attempts + 1))
        .status(committed);
    if (!recorded.isOk()) log::warn("inbox.attempt_not_recorded").status(recorded);
    more = false;
    return committed;
  }

  if (metrics_ != nullptr) {
    for (const auto& [platform, outcome] : outcomes) metrics_->countInboxEvent(platform, outcome);
  }
  for (const Mapped& m : mapped) {
    if (!m.changes.isOk()) {
      log::warn("inbox.quarantined")
          .kv("inbox_id", m.event->id)
          .kv("topic", m.event->topic)
          .kv("reason", m.changes.status().message());
    }
  }
  return counts;
}

Result<std::int64_t> InboxProcessor::sweepRetention() {
  const EpochMillis now = clock_.nowMillis();
  CARTRELAY_ASSIGN_OR_RETURN(std::int64_t deleted,
                             database_.queryTransaction([&](soci::session& s) {
                               return inbox_.deleteExpired(s, now - options_.keep_processed_ms,
                                                           now - options_.keep_quarantined_ms);
                             }));
  if (deleted > 0) log::info("inbox.retention").kv("deleted", deleted);
  return deleted;
}

}  // namespace cartrelay::core::inbox
