#pragma once

#include <memory>

#include "core/store/database.h"

namespace cartrelay::core::store::detail {

// Opens the MariaDB/MySQL flavour of Database: a soci::connection_pool of
// options.pool_size sessions, utf8mb4, strict SQL mode, UTC session time zone.
// Only the first session is connected here (to fail fast on a bad URL or an
// unreachable server); the others connect on first use.
Result<std::unique_ptr<Database>> openMariaDbDatabase(const DatabaseUrl& url,
                                                      const DatabaseOptions& options,
                                                      metrics::Metrics* metrics);

}  // namespace cartrelay::core::store::detail
