#include "core/store/migrations.h"

#include <string>

#include <soci/soci.h>

#include "core/store/database.h"
#include "core/store/detail/dialect.h"
#include "core/store/detail/errors.h"
#include "core/store/detail/schema.h"
#include "core/util/log.h"

namespace cartrelay::core::store {
namespace {

constexpr int kLockWaitSeconds = 20;

using detail::Migration;
using detail::MigrationStep;

// Highest applied version on this session; 0 when the table is missing.
int appliedVersion(soci::session& s) {
  if (!detail::tableExists(s, "schema_migrations")) return 0;
  long long version = 0;
  soci::indicator ind = soci::i_ok;
  s << "SELECT MAX(version) FROM schema_migrations", soci::into(version, ind);
  return ind == soci::i_ok ? static_cast<int>(version) : 0;
}

bool isApplied(soci::session& s, int version) {
  long long count = 0;
  s << "SELECT COUNT(*) FROM schema_migrations WHERE version = :v", soci::use(version),
      soci::into(count);
  return count > 0;
}

// The triggers behind MigrationStep::Kind::kAppendOnly. The message names
// the table only, so it is safe in logs.
void createAppendOnlyTriggers(soci::session& s, Backend backend, const std::string& table) {
  for (std::string_view operation : {"UPDATE", "DELETE"}) {
    std::string name = table + (operation == "UPDATE" ? "_no_update" : "_no_delete");
    if (detail::triggerExists(s, name)) continue;
    std::string refusal = table + " is append-only";
    std::string head =
        "CREATE TRIGGER " + name + " BEFORE " + std::string(operation) + " ON " + table;
    if (backend == Backend::kSqlite) {
      s << head + " BEGIN SELECT RAISE(ABORT, '" + refusal + "'); END";
    } else {
      s << head + " FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '" + refusal + "'";
    }
  }
}

Status runSteps(soci::session& s, Backend backend, const Migration& m) {
  for (const MigrationStep& step : m.steps) {
    if (step.kind == MigrationStep::Kind::kSql) {
      CARTRELAY_ASSIGN_OR_RETURN(std::string text, detail::expandSchemaSql(backend, step.sql));
      s << text;
      continue;
    }
    if (step.kind == MigrationStep::Kind::kColumn) {
      const std::string table(step.table);
      const std::string column(step.name);
      if (detail::columnExists(s, table, column)) continue;
      CARTRELAY_ASSIGN_OR_RETURN(std::string definition,
                                 detail::expandSchemaSql(backend, step.definition));
      s << "ALTER TABLE " + table + " ADD COLUMN " + column + " " + definition;
      continue;
    }
    if (step.kind == MigrationStep::Kind::kAppendOnly) {
      createAppendOnlyTriggers(s, backend, std::string(step.table));
      continue;
    }
    std::string create = "CREATE INDEX ";
    if (backend == Backend::kSqlite) {
      create += "IF NOT EXISTS ";
    } else if (detail::indexExists(s, std::string(step.table), std::string(step.name))) {
      continue;
    }
    create += std::string(step.name) + " ON " + std::string(step.table) + " (" +
              std::string(step.columns) + ")";
    s << create;
  }
  return Status::ok();
}

void record(soci::session& s, const Migration& m, EpochMillis now) {
  std::string name(m.name);
  int version = m.version;
  s << "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (:v, :n, :t)",
      soci::use(version), soci::use(name), soci::use(now);
}

std::string label(const Migration& m) {
  return "migration " + std::to_string(m.version) + " (" + std::string(m.name) + ")";
}

// SQLite: the migration and its record commit together; the re-check inside
// BEGIN IMMEDIATE makes a concurrent second process skip it.
Status applySqlite(soci::session& s, const Migration& m, EpochMillis now, bool& applied) {
  applied = false;
  s << "BEGIN IMMEDIATE";
  try {
    if (!isApplied(s, m.version)) {
      Status status = runSteps(s, Backend::kSqlite, m);
      if (!status.isOk()) {
        s << "ROLLBACK";
        return status;
      }
      record(s, m, now);
      applied = true;
    }
    s << "COMMIT";
    return Status::ok();
  } catch (...) {
    Status status = detail::statusFromCurrentException(label(m));
    try {
      s << "ROLLBACK";
    } catch (...) {
    }
    applied = false;
    return status;
  }
}

// MariaDB: runs under the migration lock; DDL auto-commits, so the record is
// written (in its own transaction) only after all steps succeeded.
Status applyMariaDb(soci::session& s, const Migration& m, EpochMillis now, bool& applied) {
  applied = false;
  try {
    if (isApplied(s, m.version)) return Status::ok();
    CARTRELAY_RETURN_IF_ERROR(runSteps(s, Backend::kMariaDb, m));
    soci::transaction tx(s);
    record(s, m, now);
    tx.commit();
    applied = true;
    return Status::ok();
  } catch (...) {
    return detail::statusFromCurrentException(label(m));
  }
}

// Holds the MariaDB migration lock for the life of the object. The lock is
// per database (md5 of its name keeps the lock name under 64 characters).
class MigrationLock {
 public:
  explicit MigrationLock(soci::session& s) : s_(s) {}
  MigrationLock(const MigrationLock&) = delete;
  MigrationLock& operator=(const MigrationLock&) = delete;
  ~MigrationLock() {
    if (!held_) return;
    try {
      long long released = 0;
      soci::indicator ind = soci::i_ok;
      s_ << "SELECT RELEASE_LOCK(CONCAT('cartrelay_migrate_', MD5(DATABASE())))",
          soci::into(released, ind);
    } catch (...) {
      // The lock dies with the connection anyway.
    }
  }

  Status acquire() {
    long long got = 0;
    soci::indicator ind = soci::i_ok;
    int wait = kLockWaitSeconds;
    s_ << "SELECT GET_LOCK(CONCAT('cartrelay_migrate_', MD5(DATABASE())), :w)", soci::use(wait),
        soci::into(got, ind);
    if (ind != soci::i_ok || got != 1) {
      return Status::unavailable("migrations: another process holds the migration lock (waited " +
                                 std::to_string(kLockWaitSeconds) + " s)");
    }
    held_ = true;
    return Status::ok();
  }

 private:
  soci::session& s_;
  bool held_ = false;
};

}  // namespace

std::vector<MigrationInfo> knownMigrations() {
  std::vector<MigrationInfo> out;
  for (const Migration& m : detail::allMigrations()) out.push_back({m.version, m.name});
  return out;
}

int latestVersion() { return detail::allMigrations().back().version; }

Result<int> currentVersion(Database& db) {
  return db.querySession([](soci::session& s) -> Result<int> { return appliedVersion(s); });
}

Status migrate(Database& db, const Clock& clock) {
  return db.withSession([&](soci::session& s) -> Status {
    const Backend backend = detail::backendOf(s);
    CARTRELAY_ASSIGN_OR_RETURN(std::string table,
                               detail::expandSchemaSql(backend, detail::kSchemaMigrationsTableSql));
    s << table;

    MigrationLock lock(s);
    if (backend == Backend::kMariaDb) CARTRELAY_RETURN_IF_ERROR(lock.acquire());

    const int current = appliedVersion(s);
    if (current > latestVersion()) {
      return Status::permanent("migrations: the database is at schema version " +
                               std::to_string(current) + " but this cartrelay knows only up to " +
                               std::to_string(latestVersion()) + "; upgrade cartrelay");
    }
    for (const Migration& m : detail::allMigrations()) {
      if (m.version <= current) continue;
      bool applied = false;
      Status status = backend == Backend::kSqlite ? applySqlite(s, m, clock.nowMillis(), applied)
                                                  : applyMariaDb(s, m, clock.nowMillis(), applied);
      if (!status.isOk()) {
        log::error("store.migration_failed").kv("version", m.version).status(status);
        return status;
      }
      if (applied) {
        log::info("store.migrated").kv("version", m.version).kv("name", std::string(m.name));
      }
    }
    return Status::ok();
  });
}

Status migrate(Database& db) {
  SystemClock clock;
  return migrate(db, clock);
}

}  // namespace cartrelay::core::store
