#pragma once

#include <string>
#include <string_view>

#include "core/util/result.h"

namespace cartrelay::core::store {

// The two database engines cartrelay runs on (DESIGN.md "Store").
enum class Backend { kSqlite, kMariaDb };

// "sqlite" | "mariadb": the metrics label and what logs print.
std::string_view toString(Backend backend);

// A parsed `[daemon] database` URL. Accepted forms (scheme case-insensitive):
//
//   sqlite:///var/lib/cartrelay/cartrelay.db   absolute path (three slashes)
//   sqlite://state/cartrelay.db                path relative to the working directory
//   sqlite://:memory:                          private in-memory database (tests, tools)
//   mysql://user:password@host:3306/database   MariaDB or MySQL; port defaults to 3306
//   mariadb://user:password@host/database      same as mysql://
//   mysql://user:pw@localhost/db?socket=/run/mysqld/mysqld.sock   over a Unix socket
//
// User, password, database, socket and the SQLite path are percent-decoded
// (%40 for '@', %2F for '/', %3A for ':'). An unencoded '@' or '/' in the
// password also works because the host starts after the last '@'. Hosts may
// be IPv6 literals in brackets ("[::1]:3306"). A SQLite path must not contain
// '=' (a limitation of SOCI's connection string).
//
// Thread-safety: a value type.
struct DatabaseUrl {
  Backend backend = Backend::kSqlite;

  // SQLite only: the file (absolute or relative) or ":memory:".
  std::string path;

  // MariaDB only.
  std::string user;
  std::string password;
  std::string host;
  int port = 3306;
  std::string database;
  std::string socket;  // Unix socket path; empty for TCP

  // The URL again, percent-encoded, with the password replaced by "***" so
  // it can be logged or shown in error messages.
  std::string redacted() const;

  // The URL including the password (percent-encoded). Never log it.
  std::string toString() const;
};

// Parses `url`. Errors are kInvalidArgument with a message that names the
// problem ("database URL: missing database name after the host") and never
// contains the password.
Result<DatabaseUrl> parseDatabaseUrl(std::string_view url);

}  // namespace cartrelay::core::store
