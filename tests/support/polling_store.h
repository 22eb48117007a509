#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "core/model/inbox_event.h"
#include "core/model/shop.h"
#include "core/net/http_fetch.h"
#include "core/polling/backoff.h"
#include "core/store/database.h"
#include "core/store/inbox_repo.h"
#include "core/util/clock.h"
#include "core/util/key_ring.h"
#include "core/util/status.h"
#include "tests/support/manual_clock.h"
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
  // The same, only those stored under `topic`.
  std::vector<core::model::InboxEvent> eventsWithTopic(const std::string& topic);
  std::optional<std::string> cursor(std::int64_t shop_id, const std::string& resource);
  // Stores a cursor as a poller would (e.g. one a poller cannot read).
  void setCursor(std::int64_t shop_id, const std::string& resource, const std::string& cursor);

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

// Where the poller tests' manual clock starts: 2026-01-15T00:00:00Z.
inline constexpr core::EpochMillis kPollerTestNow = 1'768'435'200'000;

// HTTP limits for talking to a fake on 127.0.0.1: 2 s to connect and in all,
// so a hang the test provokes ends quickly.
core::net::FetchLimits pollerTestFetchLimits();

// The fixture the shop poller tests (tests/connectors/*/poller_test.cpp)
// share: a ManualClock at kPollerTestNow, a PollingStore holding the shop's
// row (shop_id_), the fake shop API `Fake` (FakeShopify, FakeWooCommerce:
// listening once constructed) and an HTTP client for it. Members are built
// in the order declared and destroyed in reverse.
template <typename Fake>
class PollerTest : public ::testing::Test {
 protected:
  PollerTest(std::string shop_name, core::model::Platform platform)
      : clock_(kPollerTestNow),
        store_(clock_),
        http_(pollerTestFetchLimits()),
        shop_name_(std::move(shop_name)) {
    shop_id_ = store_.ensureShop(shop_name_, platform);
  }

  // The wait function for the API clients: records each wait in waits_ and
  // advances clock_ by it instead of sleeping.
  core::polling::WaitFn recordingWait() {
    return [this](std::int64_t ms) {
      waits_.push_back(ms);
      clock_.advance(ms);
      return true;
    };
  }

  // A connector's PollerOptions (derived from core::polling::ShopPollOptions)
  // for this shop with a 30-day backfill, polling `resources`.
  template <typename Options, typename Resource>
  Options pollerOptions(std::vector<Resource> resources) const {
    Options o;
    o.shop_name = shop_name_;
    o.shop_id = shop_id_;
    o.backfill_days = 30;
    o.resources = std::move(resources);
    return o;
  }

  ManualClock clock_;
  PollingStore store_;
  Fake fake_;
  core::net::DefaultHttpClient http_;
  std::vector<std::int64_t> waits_;
  std::string shop_name_;
  std::int64_t shop_id_ = 0;
};

}  // namespace cartrelay::testing
