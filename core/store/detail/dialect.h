#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "core/store/database_url.h"
#include "core/util/result.h"

namespace soci {
class session;
}  // namespace soci

namespace cartrelay::core::store::detail {

// Every difference between the SQLite and MariaDB SQL that cartrelay writes
// lives here, so repositories and migrations are written once.
//
// Schema text uses these tokens, replaced by expandSchemaSql():
//
//   token             SQLite                              MariaDB / MySQL
//   ${ID}             INTEGER PRIMARY KEY AUTOINCREMENT   BIGINT NOT NULL AUTO_INCREMENT PRIMARY
//   KEY
//   ${BIGINT}         BIGINT (integer affinity)           BIGINT
//   ${KEY}            TEXT                                VARCHAR(255)  (indexable, utf8mb4)
//   ${SHORT}          TEXT                                VARCHAR(32)   (codes, states, currency)
//   ${HASH}           TEXT                                VARCHAR(64)   (keyed-hash hex)
//   ${TEXT}           TEXT                                TEXT          (up to 64 KiB)
//   ${LONGTEXT}       TEXT                                LONGTEXT      (raw bodies)
//   ${TABLE_OPTIONS}  (nothing)                           ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
//                                                         COLLATE=utf8mb4_bin
//
// BIGINT rather than INTEGER on SQLite too, so SOCI's dynamic rows
// (soci::row) report 64-bit integers instead of truncating to int.
// utf8mb4_bin makes MariaDB compare and index text byte for byte, like
// SQLite's default BINARY collation, so both engines agree on uniqueness.
// An unknown ${...} token is a bug in a compiled-in migration: kInternal.
Result<std::string> expandSchemaSql(Backend backend, std::string_view sql);

// The backend a session is connected to.
Backend backendOf(soci::session& s);

// " FOR UPDATE" on MariaDB (row locks for read-modify-write inside a
// transaction); "" on SQLite, whose BEGIN IMMEDIATE already holds the only
// write lock.
std::string_view forUpdate(Backend backend);

// An atomic insert-or-update ("upsert") statement:
//
//   INSERT INTO <table> (<columns>) VALUES (:v0, :v1, ...)
//   SQLite   ON CONFLICT (<key_columns>) DO UPDATE SET c = excluded.c, ...
//   MariaDB  ON DUPLICATE KEY UPDATE c = VALUES(c), ...
//
// where the SET list holds every column that is not a key column. Bind one
// value per column, in the order given. `table` and the names are
// compile-time constants, never input; quote a reserved word yourself with
// backticks, which both engines accept (`cursor`). MariaDB reacts to a clash
// on *any* unique key, so key_columns must be the table's only unique key
// (its primary key or its one unique constraint), and at least one column
// must not be a key column.
std::string upsertSql(Backend backend, std::string_view table,
                      std::initializer_list<std::string_view> columns,
                      std::initializer_list<std::string_view> key_columns);

}  // namespace cartrelay::core::store::detail

namespace cartrelay::core::store::detail {

// Catalogue queries. Throw SOCI exceptions (call inside a Database callback).
bool tableExists(soci::session& s, const std::string& table);
bool indexExists(soci::session& s, const std::string& table, const std::string& index);
bool columnExists(soci::session& s, const std::string& table, const std::string& column);
bool triggerExists(soci::session& s, const std::string& trigger);

}  // namespace cartrelay::core::store::detail

namespace cartrelay::core::store::detail {

// True when `table` (a compile-time constant) has a row with this id.
bool rowExists(soci::session& s, const char* table, std::int64_t id);

// The references every cart and order carries: its shop must exist, and its
// customer too when it has one. kInvalidArgument "<what>: unknown shop id N"
// (or customer id) otherwise. Runs inside the caller's transaction.
Status checkShopAndCustomer(soci::session& s, std::string_view what, std::int64_t shop_id,
                            const std::optional<std::int64_t>& customer_id);

}  // namespace cartrelay::core::store::detail
