#pragma once

#include <string_view>
#include <vector>

namespace cartrelay::core::store::detail {

// One step of a migration: SQL text (with dialect tokens, see dialect.h),
// a secondary index, a new column of an existing table, or the triggers that
// make a table append-only. Indexes, columns and triggers need per-engine
// handling to be idempotent (MySQL 8 has neither CREATE INDEX IF NOT EXISTS
// nor ADD COLUMN IF NOT EXISTS nor CREATE TRIGGER IF NOT EXISTS; SQLite has
// no ADD COLUMN IF NOT EXISTS), so they are added only when missing.
//
// kAppendOnly adds BEFORE UPDATE and BEFORE DELETE triggers named
// <table>_no_update / <table>_no_delete that abort the statement (SQLite
// RAISE(ABORT), MariaDB SIGNAL SQLSTATE '45000'). They stop bugs and
// careless hands, not an attacker with the database file: tamper evidence is
// the audit chain's job. On MariaDB with binary logging on, creating a
// trigger needs SUPER or log_bin_trust_function_creators=1.
struct MigrationStep {
  enum class Kind { kSql, kIndex, kColumn, kAppendOnly };
  Kind kind = Kind::kSql;
  std::string_view sql;         // kSql
  std::string_view name;        // kIndex: index name, unique in the database; kColumn: column
  std::string_view table;       // kIndex, kColumn, kAppendOnly
  std::string_view columns;     // kIndex: "state, platform_updated_at_ms"
  std::string_view definition;  // kColumn: type and nullability with tokens, "${KEY} NULL"
};

// A numbered migration compiled into the binary. Versions start at 1 and
// increase by one. A migration, once released, never changes: later schema
// changes are new migrations.
//
// Every step must be safe to run twice (CREATE TABLE IF NOT EXISTS, index
// steps): on MariaDB DDL commits implicitly, so a migration interrupted
// half-way is re-run from its first step. Its row in schema_migrations is
// written only after all steps succeeded.
struct Migration {
  int version = 0;
  std::string_view name;
  std::vector<MigrationStep> steps;
};

// All migrations, ordered by version.
const std::vector<Migration>& allMigrations();

// The bookkeeping table itself (not a numbered migration).
extern const std::string_view kSchemaMigrationsTableSql;

}  // namespace cartrelay::core::store::detail
