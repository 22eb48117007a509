#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/model/inbox_event.h"
#include "core/store/database.h"
#include "core/store/inbox_repo.h"
#include "core/util/batch_worker.h"
#include "core/util/result.h"

namespace cartrelay::core::inbox {

// Durable intake for webhook and poll events, with group commit: callers on
// many threads hand in one event each and block; one writer thread takes
// everything queued so far and inserts it in a single transaction, so one
// disk sync covers a whole batch. Each caller is woken only after the
// transaction holding its row committed (DESIGN.md "Delivery semantics": a
// webhook gets 2xx only after its raw body is durable).
//
// Outcomes of write(), per event:
//   id             stored, in state `received`;
//   kDuplicate     (source, delivery_id) was stored before: answer 2xx, do not
//                  process again;
//   kInvalidArgument  the event itself is unusable (InboxRepo::insert rules;
//                  refused before it is queued);
//   kUnavailable   the batch's transaction failed (store down, disk full) or
//                  the writer is stopping: nothing of the batch is stored; the
//                  platform should retry (503).
// A failing event never fails another event of its batch, except through a
// failed commit, which fails the whole batch.
//
// `on_commit` runs on the writer thread after every commit that stored at
// least one event (the inbox processor's wake-up); it must not block.
//
// Ownership: `database` and `repo` must outlive the writer.
// Thread-safety: write() may be called from any number of threads; stop() is
// idempotent and called by the destructor.
class InboxWriter {
 public:
  struct Options {
    int max_batch = 512;  // events per transaction
  };

  InboxWriter(store::Database& database, const store::InboxRepo& repo, Options options,
              std::function<void()> on_commit);
  InboxWriter(const InboxWriter&) = delete;
  InboxWriter& operator=(const InboxWriter&) = delete;
  ~InboxWriter();

  // Blocks until the event is durable or refused (see above). The body is
  // encrypted on the calling thread before the event is queued.
  Result<std::int64_t> write(const model::InboxEvent& event);

  // Refuses new writes (kUnavailable), commits what is queued, joins the
  // writer thread.
  void stop();

  // Events handed to write() so far, a running count: how busy the intake
  // is. The inbox processor yields to a high rate.
  std::uint64_t handedIn() const { return worker_.handedIn(); }

 private:
  std::vector<Result<std::int64_t>> commitBatch(std::vector<store::InboxRepo::SealedEvent>& batch);

  store::Database& database_;
  const store::InboxRepo& repo_;
  const std::function<void()> on_commit_;
  BatchWorker<store::InboxRepo::SealedEvent, Result<std::int64_t>> worker_;  // last: uses the above
};

}  // namespace cartrelay::core::inbox
