#include "core/store/database.h"

#include <chrono>

#include <soci/soci.h>

#include "core/metrics/metrics.h"
#include "core/store/detail/errors.h"
#include "core/store/detail/mariadb_database.h"
#include "core/store/detail/sqlite_database.h"
#include "core/util/log.h"

namespace cartrelay::core::store {
namespace {

// Failures of the store itself; other codes are outcomes fn decided.
bool isStoreFailure(const Status& status) {
  return status.code() == Status::Code::kUnavailable || status.code() == Status::Code::kInternal;
}

Status checkRange(std::string_view name, int value, int low, int high) {
  if (value >= low && value <= high) return Status::ok();
  return Status::invalidArgument("database option " + std::string(name) + " = " +
                                 std::to_string(value) + " is outside " + std::to_string(low) +
                                 ".." + std::to_string(high));
}

}  // namespace

Database::Database(Backend backend, std::string redacted_url, metrics::Metrics* metrics)
    : backend_(backend), redacted_url_(std::move(redacted_url)), metrics_(metrics) {}

Database::~Database() = default;

Result<std::unique_ptr<Database>> Database::open(const DatabaseOptions& options,
                                                 metrics::Metrics* metrics) {
  CARTRELAY_ASSIGN_OR_RETURN(DatabaseUrl url, parseDatabaseUrl(options.url));
  CARTRELAY_RETURN_IF_ERROR(checkRange("pool_size", options.pool_size, 1, 64));
  CARTRELAY_RETURN_IF_ERROR(checkRange("busy_timeout_ms", options.busy_timeout_ms, 0, 600000));
  CARTRELAY_RETURN_IF_ERROR(checkRange("connect_timeout_s", options.connect_timeout_s, 1, 300));
  if (!options.password.empty()) url.password = options.password;

  Result<std::unique_ptr<Database>> db = url.backend == Backend::kSqlite
                                             ? detail::openSqliteDatabase(url, options, metrics)
                                             : detail::openMariaDbDatabase(url, options, metrics);
  if (!db.isOk()) return db.status().withContext("store: open " + url.redacted());
  log::info("store.opened")
      .kv("backend", toString(url.backend))
      .kv("url", url.redacted())
      .kv("pool_size", url.backend == Backend::kSqlite ? 1 : options.pool_size);
  return db;
}

Status Database::withSession(const SessionFn& fn) { return timed(fn, false); }

Status Database::withTransaction(const SessionFn& fn) { return timed(fn, true); }

Status Database::ping() {
  return withSession([](soci::session& s) {
    int one = 0;
    s << "SELECT 1", soci::into(one);
    return one == 1 ? Status::ok()
                    : Status::internal("store: SELECT 1 returned " + std::to_string(one));
  });
}

Status Database::timed(const SessionFn& fn, bool transaction) {
  const auto start = std::chrono::steady_clock::now();
  Status status;
  try {
    status = runOnSession([&](soci::session& s) -> Status {
      if (!transaction) {
        try {
          return fn(s);
        } catch (...) {
          return detail::statusFromCurrentException("store");
        }
      }
      try {
        beginTransaction(s);
      } catch (...) {
        return detail::statusFromCurrentException("store: begin");
      }
      Status result;
      try {
        result = fn(s);
      } catch (...) {
        result = detail::statusFromCurrentException("store");
      }
      if (result.isOk()) {
        try {
          s.commit();
          return result;
        } catch (...) {
          result = detail::statusFromCurrentException("store: commit");
        }
      }
      try {
        s.rollback();
      } catch (...) {
        discardSession(s);
      }
      return result;
    });
  } catch (...) {
    status = detail::statusFromCurrentException("store");
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (metrics_ != nullptr) {
    metrics_->observeStoreOperation(toString(backend_), !isStoreFailure(status), seconds);
  }
  noteOutcome(status);
  return status;
}

void Database::noteOutcome(const Status& status) {
  // One line per transition, not per failed call, so an outage does not
  // flood the journal.
  if (status.code() == Status::Code::kUnavailable) {
    if (!degraded_.exchange(true)) {
      log::warn("store.unavailable").kv("backend", toString(backend_)).status(status);
    }
  } else if (status.isOk() && degraded_.load(std::memory_order_relaxed)) {
    if (degraded_.exchange(false)) log::info("store.recovered").kv("backend", toString(backend_));
  }
}

}  // namespace cartrelay::core::store
