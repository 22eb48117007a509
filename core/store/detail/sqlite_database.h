#pragma once

#include <memory>

#include "core/store/database.h"

namespace cartrelay::core::store::detail {

// Opens the SQLite flavour of Database: one soci::session behind a mutex (the
// single serialised writer) that callers get in the order they asked for it, WAL journal,
// busy_timeout, foreign keys on, synchronous=FULL. The file is created if missing; its directory is
// not.
Result<std::unique_ptr<Database>> openSqliteDatabase(const DatabaseUrl& url,
                                                     const DatabaseOptions& options,
                                                     metrics::Metrics* metrics);

}  // namespace cartrelay::core::store::detail
