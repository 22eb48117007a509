#include "core/inbox/inbox_writer.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "core/util/log.h"

namespace cartrelay::core::inbox {

InboxWriter::InboxWriter(store::Database& database, const store::InboxRepo& repo, Options options,
                         std::function<void()> on_commit)
    : database_(database),
      repo_(repo),
      on_commit_(std::move(on_commit)),
      worker_(
          static_cast<std::size_t>(std::max(options.max_batch, 1)),
          [this](std::vector<store::InboxRepo::SealedEvent>& batch) { return commitBatch(batch); },
          Status::unavailable("inbox writer is stopping")) {}

InboxWriter::~InboxWriter() { stop(); }

Result<std::int64_t> InboxWriter::write(const model::InboxEvent& event) {
  // Checking and encrypting on the caller's thread keeps the one writer
  // thread, which every caller waits for, down to SQL.
  CARTRELAY_ASSIGN_OR_RETURN(store::InboxRepo::SealedEvent sealed, repo_.seal(event));
  return worker_.submit(std::move(sealed));
}

void InboxWriter::stop() { worker_.stop(); }

std::vector<Result<std::int64_t>> InboxWriter::commitBatch(
    std::vector<store::InboxRepo::SealedEvent>& batch) {
  std::vector<const store::InboxRepo::SealedEvent*> events;
  events.reserve(batch.size());
  for (const auto& event : batch) events.push_back(&event);
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
    return std::vector<Result<std::int64_t>>(batch.size(),
                                             Status::unavailable("inbox store unavailable"));
  }
  bool stored_any = false;
  for (const auto& outcome : outcomes) stored_any = stored_any || outcome.isOk();
  if (stored_any && on_commit_) on_commit_();
  return outcomes;
}

}  // namespace cartrelay::core::inbox
