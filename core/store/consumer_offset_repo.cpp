#include "core/store/consumer_offset_repo.h"

#include <soci/soci.h>

#include "core/store/detail/dialect.h"
#include "core/store/detail/errors.h"

namespace cartrelay::core::store {

Result<std::int64_t> ConsumerOffsetRepo::get(soci::session& s, const std::string& consumer) const {
  return detail::guarded("consumer_offsets.get", [&]() -> Result<std::int64_t> {
    std::string name = consumer;
    std::int64_t last = 0;
    s << "SELECT last_id FROM consumer_offsets WHERE consumer = :c" +
             std::string(detail::forUpdate(detail::backendOf(s))),
        soci::use(name), soci::into(last);
    return s.got_data() ? last : 0;
  });
}

Status ConsumerOffsetRepo::put(soci::session& s, const std::string& consumer,
                               std::int64_t last_id) const {
  if (consumer.empty() || consumer.size() > 255) {
    return Status::invalidArgument("consumer_offsets: consumer name must be 1..255 bytes");
  }
  return detail::guarded("consumer_offsets.put", [&]() -> Status {
    std::string name = consumer;
    std::int64_t last = last_id;
    std::int64_t now = clock_.nowMillis();
    s << detail::upsertSql(detail::backendOf(s), "consumer_offsets",
                           {"consumer", "last_id", "updated_at_ms"}, {"consumer"}),
        soci::use(name), soci::use(last), soci::use(now);
    return Status::ok();
  });
}

}  // namespace cartrelay::core::store
