#include "tests/support/polling_store.h"

#include <gtest/gtest.h>

#include "core/store/migrations.h"
#include "core/store/poll_cursor_repo.h"
#include "core/store/shop_repo.h"

namespace cartrelay::testing {

PollingStore::PollingStore(const core::Clock& clock) : clock_(clock) {
  const std::string key_dir = dir_.file("keys");
  auto generated = core::KeyRing::generateMissing(key_dir, 0600, -1);
  EXPECT_TRUE(generated.isOk()) << generated.status().toString();
  auto keys = core::KeyRing::load(key_dir);
  EXPECT_TRUE(keys.isOk()) << keys.status().toString();
  if (keys.isOk()) keys_.emplace(std::move(keys).value());
  url_ = "sqlite://" + dir_.file("cartrelay.db");
  open();
  if (db_) {
    core::Status migrated = core::store::migrate(*db_, clock_);
    EXPECT_TRUE(migrated.isOk()) << migrated.toString();
  }
}

PollingStore::~PollingStore() {
  inbox_.reset();
  db_.reset();
}

void PollingStore::open() {
  core::store::DatabaseOptions options;
  options.url = url_;
  auto db = core::store::Database::open(options, nullptr);
  EXPECT_TRUE(db.isOk()) << db.status().toString();
  if (db.isOk()) db_ = std::move(db).value();
  if (keys_) inbox_ = std::make_unique<core::store::InboxRepo>(*keys_, clock_);
}

void PollingStore::reopen() {
  inbox_.reset();
  db_.reset();
  open();
}

std::int64_t PollingStore::ensureShop(const std::string& name, core::model::Platform platform) {
  core::store::ShopRepo shops(clock_);
  auto id =
      db_->queryTransaction([&](soci::session& s) { return shops.ensure(s, name, platform); });
  EXPECT_TRUE(id.isOk()) << id.status().toString();
  return id.isOk() ? *id : 0;
}

std::function<core::Status(core::model::InboxEvent&&)> PollingStore::sink() {
  return [this](core::model::InboxEvent&& event) -> core::Status {
    if (fail_after_ >= 0 && accepted_ >= fail_after_)
      return core::Status::unavailable("test sink: store down");
    core::Status status =
        db_->withTransaction([&](soci::session& s) { return inbox_->insert(s, event).status(); });
    if (status.isOk()) ++accepted_;
    return status;
  };
}

std::vector<core::model::InboxEvent> PollingStore::events() {
  core::store::InboxRepo::Filter filter;
  filter.limit = 10000;
  auto listed = db_->querySession([&](soci::session& s) { return inbox_->list(s, filter); });
  EXPECT_TRUE(listed.isOk()) << listed.status().toString();
  return listed.isOk() ? *listed : std::vector<core::model::InboxEvent>();
}

std::vector<core::model::InboxEvent> PollingStore::eventsWithTopic(const std::string& topic) {
  std::vector<core::model::InboxEvent> out;
  for (core::model::InboxEvent& e : events()) {
    if (e.topic == topic) out.push_back(std::move(e));
  }
  return out;
}

std::optional<std::string> PollingStore::cursor(std::int64_t shop_id, const std::string& resource) {
  core::store::PollCursorRepo repo(clock_);
  auto got = db_->querySession([&](soci::session& s) { return repo.get(s, shop_id, resource); });
  EXPECT_TRUE(got.isOk()) << got.status().toString();
  return got.isOk() ? *got : std::nullopt;
}

void PollingStore::setCursor(std::int64_t shop_id, const std::string& resource,
                             const std::string& cursor) {
  core::store::PollCursorRepo repo(clock_);
  core::Status stored = db_->withTransaction(
      [&](soci::session& s) { return repo.put(s, shop_id, resource, cursor); });
  EXPECT_TRUE(stored.isOk()) << stored.toString();
}

core::net::FetchLimits pollerTestFetchLimits() {
  core::net::FetchLimits limits;
  limits.connect_timeout_ms = 2000;
  limits.total_timeout_ms = 2000;
  return limits;
}

}  // namespace cartrelay::testing
