#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "core/store/database.h"
#include "tests/support/fake_cloud_api.h"

namespace cartrelay::bench {

// What the send benchmark reads from the daemon's SQLite database while the
// daemon runs (WAL lets another process read while it writes; this one
// only reads), and how it checks the outbox against the fake Cloud API.
// Not thread-safe; for the benchmark's main thread.
class OutboxProbe {
 public:
  // Opens the database file the daemon created; nullptr (and a line on
  // stderr) when it cannot.
  static std::unique_ptr<OutboxProbe> open(const std::string& sqlite_path);

  OutboxProbe(const OutboxProbe&) = delete;
  OutboxProbe& operator=(const OutboxProbe&) = delete;

  // The largest outbox id, 0 for none, -1 when the read failed.
  std::int64_t maxId();
  // Rows after `after_id` in state sent with their wamid stored (-1 on error).
  std::int64_t storedAfter(std::int64_t after_id);
  // Polls every 10 ms until `expected` rows after `after_id` are stored;
  // gives up after 60 s without progress (and says so). Returns the steady
  // time in µs when it saw the last one, 0 when it gave up.
  std::int64_t waitStored(std::int64_t after_id, std::int64_t expected);

  // Every row after `after_id` (there must be `expected`) is sent with a
  // wamid, `meta` accepted exactly one POST for it (biz_opaque_callback_data
  // = the outbox id) and answered it with the stored wamid, and `meta` saw
  // no malformed request. Prints "check: ok ..." or the finding; true if ok.
  bool verify(const testing::FakeCloudApi& meta, std::int64_t after_id, std::size_t expected);

  // First and last receive time (steady ms) of the POSTs `meta` accepted for
  // rows after `after_id`; {0, 0} for none.
  static std::pair<std::int64_t, std::int64_t> postSpan(const testing::FakeCloudApi& meta,
                                                        std::int64_t after_id);

 private:
  explicit OutboxProbe(std::unique_ptr<core::store::Database> db) : db_(std::move(db)) {}

  std::unique_ptr<core::store::Database> db_;
};

}  // namespace cartrelay::bench
