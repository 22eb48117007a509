#include "core/polling/poll_window.h"

#include "core/store/database.h"
#include "core/store/poll_cursor_repo.h"
#include "core/util/log.h"

namespace cartrelay::core::polling {
namespace {

constexpr EpochMillis kDayMs = 86'400'000;

}  // namespace

void clampPollOptions(ShopPollOptions& options) {
  options.max_pages = std::max(options.max_pages, 1);
  options.overlap_ms = std::max<std::int64_t>(options.overlap_ms, 0);
  options.backfill_days = std::max(options.backfill_days, 0);
}

bool ResourcePollStats::countStored(const Status& accepted) {
  ++events;
  if (accepted.code() == Status::Code::kDuplicate) {
    ++duplicates;
  } else if (!accepted.isOk()) {
    status = accepted.withContext("inbox");
    return false;
  }
  return true;
}

std::optional<PollWindow> PollWindow::open(store::Database& db, const Clock& clock,
                                           const ShopPollOptions& options, std::string resource,
                                           Format format, ResourcePollStats& out) {
  PollWindow window(db, clock, options.shop_id, std::move(resource), format);
  store::PollCursorRepo repo(clock);
  auto stored = db.querySession(
      [&](soci::session& s) { return repo.get(s, options.shop_id, window.resource_); });
  if (!stored.isOk()) {
    out.status = stored.status().withContext("poll cursor " + window.resource_);
    return std::nullopt;
  }
  std::optional<EpochMillis> cursor;
  if (*stored) {
    auto parsed = parseIso8601(**stored);
    if (parsed.isOk()) {
      cursor = *parsed;
      window.cursor_ = **stored;
    } else {
      // Not ours (hand-edited?): start over with a backfill rather than stall.
      log::warn("poll.cursor_unreadable")
          .kv("shop", options.shop_name)
          .kv("resource", window.resource_);
    }
  }
  window.since_ =
      cursor ? *cursor - options.overlap_ms
             : clock.nowMillis() - static_cast<EpochMillis>(options.backfill_days) * kDayMs;
  window.high_ = cursor.value_or(window.since_);
  out.cursor = window.cursor_;
  return window;
}

bool PollWindow::commit(ResourcePollStats& out) {
  const std::string next = format_(high_);
  if (next != cursor_) {
    store::PollCursorRepo repo(*clock_);
    Status stored = db_->withTransaction(
        [&](soci::session& s) { return repo.put(s, shop_id_, resource_, next); });
    if (!stored.isOk()) {
      out.status = stored.withContext("poll cursor " + resource_);
      return false;
    }
    cursor_ = next;
    out.cursor_advanced = true;
  }
  out.cursor = cursor_;
  return true;
}

}  // namespace cartrelay::core::polling
