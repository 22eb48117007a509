#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/model/inbox_event.h"
#include "core/model/shop.h"
#include "core/store/database.h"
#include "core/store/inbox_repo.h"
#include "core/util/clock.h"
#include "core/util/key_ring.h"
#include "core/util/status.h"
#include "tests/support/temp_dir.h"

namespace cartrelay::testing {

// A real, migrated SQLite store in a temporary directory for the poller
// tests: the inbox the polled events land in (through sink(), exactly as the
// daemon stores them) and the poll cursors. open() again on the same file
// (a restarted daemon) with reopen(). Fails the current test on setup errors.
class PollingStore {
 public:
  explicit PollingStore(const core::Clock& clock);
  PollingStore(const PollingStore&) = delete;
  PollingStore& operator=(const PollingStore&) = delete;
  ~PollingStore();

  core::store::Database& db() { return *db_; }
  // Closes and reopens the database file (cursor persistence across restarts).
  void reopen();

  std::int64_t ensureShop(const std::string& name, core::model::Platform platform);

  // Inserts into the inbox in its own transaction; kDuplicate for a
  // (source, delivery_id) seen before. `fail_after` > 0 makes the sink fail
  // (kUnavailable) once that many events were accepted.
  std::function<core::Status(core::model::InboxEvent&&)> sink();
  void failAfter(int accepted) { fail_after_ = accepted; }

  // Every stored inbox event, in arrival order, bodies decrypted.
  std::vector<core::model::InboxEvent> events();
  std::optional<std::string> cursor(std::int64_t shop_id, const std::string& resource);

 private:
  void open();

  const core::Clock& clock_;
  TempDir dir_;
  std::string url_;
  std::unique_ptr<core::store::Database> db_;
  std::optional<core::KeyRing> keys_;
  std::unique_ptr<core::store::InboxRepo> inbox_;
  int fail_after_ = -1;
  int accepted_ = 0;
};

}  // namespace cartrelay::testing
