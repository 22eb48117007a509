#pragma once

#include <string_view>
#include <vector>

#include "core/util/clock.h"
#include "core/util/result.h"
#include "core/util/status.h"

namespace cartrelay::core::store {

class Database;

// Schema migrations, numbered from 1 and compiled into the binary (see
// core/store/detail/schema.cpp). Applied by `cartrelay migrate` and at start.
// Each applied migration is a row in
//   schema_migrations(version INTEGER PRIMARY KEY, name, applied_at_ms).
//
// Concurrency: several processes may call migrate() on one database at once.
// On MariaDB they serialise on GET_LOCK('cartrelay_migrate_<md5(db)>'),
// waiting at most 20 s (then kUnavailable); on SQLite each migration runs
// in a BEGIN IMMEDIATE transaction that re-checks whether it is still
// missing.
//
// Atomicity: on SQLite a migration and its schema_migrations row commit
// together. On MariaDB DDL commits implicitly, so each step is written to be
// idempotent and the row is inserted only after every step succeeded; an
// interrupted migration is simply re-run.

struct MigrationInfo {
  int version = 0;
  std::string_view name;
};

// Every migration this binary knows, in order.
std::vector<MigrationInfo> knownMigrations();

// The highest version this binary knows.
int latestVersion();

// The highest applied version; 0 for an empty database.
Result<int> currentVersion(Database& db);

// Applies the missing migrations in order and logs each one
// (store.migrated). A second run is a no-op. Errors: kPermanent when the
// database is newer than this binary (downgrade); kUnavailable when the
// database or the migration lock is unavailable; kInternal when a step
// fails (the message names the migration). applied_at_ms comes from `clock`.
Status migrate(Database& db, const Clock& clock);
Status migrate(Database& db);  // uses the system clock

}  // namespace cartrelay::core::store
