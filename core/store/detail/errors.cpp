#include "core/store/detail/errors.h"

#include <string>

#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

namespace cartrelay::core::store::detail {
namespace {

// MariaDB/MySQL error numbers (client 2xxx, server 1xxx/4xxx).
constexpr unsigned kConnectionError = 2002;           // CR_CONNECTION_ERROR (socket)
constexpr unsigned kConnHostError = 2003;             // CR_CONN_HOST_ERROR (TCP refused)
constexpr unsigned kUnknownHost = 2005;               // CR_UNKNOWN_HOST
constexpr unsigned kServerGone = 2006;                // CR_SERVER_GONE_ERROR
constexpr unsigned kServerLost = 2013;                // CR_SERVER_LOST
constexpr unsigned kServerLostExtended = 2055;        // CR_SERVER_LOST_EXTENDED
constexpr unsigned kSslConnectionError = 2026;        // CR_SSL_CONNECTION_ERROR
constexpr unsigned kTooManyConnections = 1040;        // ER_CON_COUNT_ERROR
constexpr unsigned kAccessDeniedDb = 1044;            // ER_DBACCESS_DENIED_ERROR
constexpr unsigned kAccessDenied = 1045;              // ER_ACCESS_DENIED_ERROR
constexpr unsigned kUnknownCommand = 1047;            // Galera: node not ready (WSREP)
constexpr unsigned kBadDb = 1049;                     // ER_BAD_DB_ERROR
constexpr unsigned kServerShutdown = 1053;            // ER_SERVER_SHUTDOWN
constexpr unsigned kDupEntry = 1062;                  // ER_DUP_ENTRY
constexpr unsigned kLockWaitTimeout = 1205;           // ER_LOCK_WAIT_TIMEOUT
constexpr unsigned kDeadlock = 1213;                  // ER_LOCK_DEADLOCK
constexpr unsigned kNoReferencedRow = 1452;           // ER_NO_REFERENCED_ROW_2
constexpr unsigned kRowIsReferenced = 1451;           // ER_ROW_IS_REFERENCED_2
constexpr unsigned kConnectionKilled = 1927;          // ER_CONNECTION_KILLED
constexpr unsigned kClientInteractionTimeout = 4031;  // MySQL 8: idle connection closed

bool mysqlUnavailable(unsigned n) {
  switch (n) {
    case kConnectionError:
    case kConnHostError:
    case kUnknownHost:
    case kServerGone:
    case kServerLost:
    case kServerLostExtended:
    case kSslConnectionError:
    case kTooManyConnections:
    case kUnknownCommand:
    case kServerShutdown:
    case kLockWaitTimeout:
    case kDeadlock:
    case kConnectionKilled:
    case kClientInteractionTimeout:
      return true;
    default:
      return false;
  }
}

// Server texts for these name at most a user, host or database, never data.
bool mysqlTextIsSafe(unsigned n) {
  return mysqlUnavailable(n) || n == kAccessDenied || n == kAccessDeniedDb || n == kBadDb;
}

const char* mysqlName(unsigned n) {
  switch (n) {
    case kDupEntry:
      return "duplicate key";
    case kNoReferencedRow:
      return "foreign key: referenced row missing";
    case kRowIsReferenced:
      return "foreign key: row is referenced";
    case kLockWaitTimeout:
      return "lock wait timeout";
    case kDeadlock:
      return "deadlock";
    case 1406:
      return "data too long for column";
    case 1366:
      return "incorrect string value";
    case 1048:
      return "column cannot be null";
    case 1064:
      return "SQL syntax error";
    case 1146:
      return "table does not exist";
    case 1054:
      return "unknown column";
    default:
      return nullptr;
  }
}

bool sqliteUnavailable(int primary) {
  switch (primary) {
    case 5:   // SQLITE_BUSY
    case 6:   // SQLITE_LOCKED
    case 10:  // SQLITE_IOERR
    case 13:  // SQLITE_FULL
    case 14:  // SQLITE_CANTOPEN
      return true;
    default:
      return false;
  }
}

std::string prefixed(std::string_view context, std::string text) {
  return std::string(context) + ": " + text;
}

}  // namespace

Status statusFromCurrentException(std::string_view context) noexcept {
  try {
    try {
      throw;
    } catch (const soci::mysql_soci_error& e) {
      unsigned n = e.err_num_;
      std::string text = "mariadb error " + std::to_string(n);
      if (mysqlTextIsSafe(n)) {
        text += ": " + e.get_error_message();
      } else if (const char* name = mysqlName(n)) {
        text += " (" + std::string(name) + ")";
      }
      if (mysqlUnavailable(n) || e.get_error_category() == soci::soci_error::connection_error) {
        return Status::unavailable(prefixed(context, text));
      }
      return Status::internal(prefixed(context, text));
    } catch (const soci::sqlite3_soci_error& e) {
      int primary = e.result() & 0xFF;
      // SQLite's messages name tables, columns and constraints, never values.
      std::string text = "sqlite error " + std::to_string(primary) + ": " + e.get_error_message();
      if (sqliteUnavailable(primary)) return Status::unavailable(prefixed(context, text));
      return Status::internal(prefixed(context, text));
    } catch (const soci::soci_error& e) {
      // SOCI's own message, without the context that quotes bound values.
      std::string text = e.get_error_message();
      if (e.get_error_category() == soci::soci_error::connection_error) {
        return Status::unavailable(prefixed(context, text));
      }
      return Status::internal(prefixed(context, text));
    } catch (const std::bad_alloc&) {
      return Status::internal(prefixed(context, "out of memory"));
    } catch (const std::exception& e) {
      return Status::internal(prefixed(context, e.what()));
    } catch (...) {
      return Status::internal(prefixed(context, "unknown exception"));
    }
  } catch (...) {
    // Building the message itself failed (allocation).
    return Status::internal("store: error while reporting an error");
  }
}

bool isConstraintViolation(const std::exception& e) noexcept {
  if (const auto* my = dynamic_cast<const soci::mysql_soci_error*>(&e)) {
    return my->err_num_ == kDupEntry;
  }
  if (const auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) {
    return (lite->result() & 0xFF) == 19;  // SQLITE_CONSTRAINT
  }
  return false;
}

}  // namespace cartrelay::core::store::detail
