#include "core/store/poll_cursor_repo.h"

#include <soci/soci.h>

#include "core/store/detail/dialect.h"
#include "core/store/detail/errors.h"

namespace cartrelay::core::store {
namespace {

// The column limits (resource: ${KEY}, cursor: ${TEXT}), checked here so
// both engines refuse the same input instead of SQLite storing what MariaDB
// rejects.
constexpr std::size_t kMaxResourceBytes = 255;
constexpr std::size_t kMaxCursorBytes = 65535;

}  // namespace

Result<std::optional<std::string>> PollCursorRepo::get(soci::session& s, std::int64_t shop_id,
                                                       const std::string& resource) const {
  return detail::guarded("poll_cursors.get", [&]() -> Result<std::optional<std::string>> {
    std::int64_t shop = shop_id;
    std::string name = resource;
    std::string cursor;
    s << "SELECT `cursor` FROM poll_cursors WHERE shop_id = :s AND resource = :r", soci::use(shop),
        soci::use(name), soci::into(cursor);
    if (!s.got_data()) return std::optional<std::string>();
    return std::optional<std::string>(std::move(cursor));
  });
}

Status PollCursorRepo::put(soci::session& s, std::int64_t shop_id, const std::string& resource,
                           const std::string& cursor) const {
  if (resource.empty()) return Status::invalidArgument("poll_cursors: missing resource");
  if (resource.size() > kMaxResourceBytes) {
    return Status::invalidArgument("poll_cursors: resource name too long");
  }
  if (cursor.size() > kMaxCursorBytes) {
    return Status::invalidArgument("poll_cursors: cursor too long");
  }
  return detail::guarded("poll_cursors.put", [&]() -> Status {
    if (!detail::rowExists(s, "shops", shop_id)) {
      return Status::invalidArgument("poll_cursors: unknown shop id " + std::to_string(shop_id));
    }
    std::int64_t shop = shop_id;
    std::string name = resource;
    std::string value = cursor;
    std::int64_t now = clock_.nowMillis();
    // One atomic statement: two instances putting the same cursor at once
    // both succeed (the later write wins) instead of one failing on the key.
    s << detail::upsertSql(detail::backendOf(s), "poll_cursors",
                           {"shop_id", "resource", "`cursor`", "updated_at_ms"},
                           {"shop_id", "resource"}),
        soci::use(shop), soci::use(name), soci::use(value), soci::use(now);
    return Status::ok();
  });
}

}  // namespace cartrelay::core::store
