#include "core/inbox/inbox_writer.h"

#include <utility>
#include <vector>

#include "core/util/log.h"

namespace cartrelay::core::inbox {

InboxWriter::InboxWriter(store::Database& database, const store::InboxRepo& repo, Options options,
                         std::function<void()> on_commit)
    : database_(database),
      repo_(repo),
      options_(options),
      on_commit_(std::move(on_commit)),
      thread_([this] { run(); }) {}

InboxWriter::~InboxWriter() { stop(); }

Result<std::int64_t> InboxWriter::write(const model::InboxEvent& event) {
  // Checking and encrypting on the caller's thread keeps the one writer
  // thread, which every caller waits for, down to SQL.
  CARTRELAY_ASSIGN_OR_RETURN(store::InboxRepo::SealedEvent sealed, repo_.seal(event));
  std::future<Result<std::int64_t>> result;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Status::unavailable("inbox writer is stopping");
    queue_.push_back(Pending{std::move(sealed), {}});
    result = queue_.back().done.get_future();
    handed_in_.fetch_add(1, std::memory_order_relaxed);
  }
  wake_.notify_one();
  return result.get();
}

void InboxWriter::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void InboxWriter::run() {
  std::deque<Pending> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      // Everything that queued up while the previous batch was syncing goes
      // into this one: that is the group commit.
      const auto n =
          std::min<std::size_t>(queue_.size(), static_cast<std::size_t>(options_.max_batch));
      for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    commitBatch(batch);
    batch.clear();
  }
}

void InboxWriter::commitBatch(std::deque<Pending>& batch) {
  std::vector<const store::InboxRepo::SealedEvent*> events;
  events.reserve(batch.size());
  for (const Pending& p : batch) events.push_back(&p.event);
  std::vector<Result<std::int64_t>> outcomes;
  Status committed = database_.withTransaction([&](soci::session& s) -> Status {
    // A retried callback starts over. Duplicates and unusable events are
    // answers for that caller only (inner results); a failed outer result
    // means the transaction cannot be trusted and rolls back.
    CARTRELAY_ASSIGN_OR_RETURN(outcomes, repo_.insertSealed(s, events));
    return Status::ok();
  });

  if (!committed.isOk()) {
    log::warn("inbox.batch_failed")
        .kv("events", static_cast<std::int64_t>(batch.size()))
        .status(committed);
    Status refused = Status::unavailable("inbox store unavailable");
    for (Pending& p : batch) p.done.set_value(refused);
    return;
  }
  bool stored_any = false;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    stored_any = stored_any || outcomes[i].isOk();
    batch[i].done.set_value(std::move(outcomes[i]));
  }
  if (stored_any && on_commit_) on_commit_();
}

}  // namespace cartrelay::core::inbox
